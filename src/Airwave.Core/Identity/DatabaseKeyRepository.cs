using System.Xml.Linq;
using Airwave.Core.Data;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace Airwave.Core.Identity;

/// <summary>
/// Keeps the data-protection keys (which sign and encrypt the sign-in cookie) in the database, so every API
/// instance reads and writes the same key ring: a cookie issued by one process opens in any other, and a key one
/// instance creates is used by all. Keys written by earlier versions under <c>{DataDirectory}/keys</c> are imported
/// once, when the table is still empty, so nobody is signed out by the upgrade.
/// </summary>
public sealed class DatabaseKeyRepository(Database database, string legacyDirectory, TimeProvider clock, ILogger<DatabaseKeyRepository> logger)
    : IXmlRepository
{
    private int _imported;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        ImportLegacyKeysOnce();
        using var connection = database.Open();
        return [.. connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, name").Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.Open();
        // Names are unique per key; a second instance storing the same key (it cannot, ids are random) changes nothing.
        connection.Execute(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = clock.GetUtcNow() });
    }

    private void ImportLegacyKeysOnce()
    {
        if (Interlocked.Exchange(ref _imported, 1) == 1 || !Directory.Exists(legacyDirectory))
        {
            return;
        }

        using var connection = database.Open();
        if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM data_protection_keys") > 0)
        {
            return;
        }

        var files = Directory.GetFiles(legacyDirectory, "*.xml");
        foreach (var file in files)
        {
            var element = XElement.Load(file);
            connection.Execute(
                "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @now) ON CONFLICT (name) DO NOTHING",
                new { name = Path.GetFileNameWithoutExtension(file), xml = element.ToString(SaveOptions.DisableFormatting), now = clock.GetUtcNow() });
        }

        if (files.Length > 0)
        {
            logger.LogInformation("Imported {Count} sign-in key(s) from {Directory} into the database", files.Length, legacyDirectory);
        }
    }
}
