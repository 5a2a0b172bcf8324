using Airwave.Core.Data;
using Airwave.IntegrationTests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Airwave.IntegrationTests.Feeds;

/// <summary>Migrations 0009 and 0010 on a database with shows in it: chapters and announcements are backfilled.</summary>
public sealed class FeedMigrationTests
{
    private sealed record EpisodeState
    {
        public required string Title { get; init; }
        public required int MediaChapters { get; init; }
        public DateTimeOffset? AnnouncedAt { get; init; }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrate_ExistingShows_ChaptersCountedAndEpisodesAlreadyOutNotAnnouncedAgain(string provider)
    {
        await using var testDatabase = await TestDatabase.CreateAsync(provider);
        var database = new Database(SqlDialect.FromProvider(provider), testDatabase.ConnectionString);
        var migrator = new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance);
        var now = DateTimeOffset.UtcNow;
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            // Stop before 0009: mark it and 0010 as applied, migrate, then take the marks away again.
            await connection.ExecuteAsync(provider == "sqlite"
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)");
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9, 'later', @now), (10, 'later', @now)", new { now });
        }

        await migrator.MigrateAsync(CancellationToken.None);
        var user = Guid.NewGuid();
        var (publicShow, draftShow) = (Guid.NewGuid(), Guid.NewGuid());
        var (withChapters, scheduled, inDraft) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO users (id, email, email_normalized, display_name, password_hash, role, created_at, updated_at)
                VALUES (@user, 'a@example.com', 'a@example.com', 'A', 'x', 'creator', @now, @now)
                """, new { user, now });
            foreach (var (id, published) in new[] { (publicShow, (DateTimeOffset?)now.AddDays(-1)), (draftShow, null) })
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO podcasts (id, owner_id, title, description, author, owner_name, owner_email, language, category, explicit, podcast_type,
                        published_at, created_at, updated_at)
                    VALUES (@id, @user, 'Show', 'About', 'A', 'A', 'a@example.com', 'en', 'Technology', false, 'episodic', @published, @now, @now)
                    """, new { id, user, published, now });
            }

            var asset = Guid.NewGuid();
            await connection.ExecuteAsync(
                """
                INSERT INTO media_assets (id, subject_kind, subject_id, profile, source_size, status, probe, created_at, updated_at)
                VALUES (@asset, 'episode', @withChapters, 'podcast', 1, 'ready', @probe, @now, @now)
                """,
                new
                {
                    asset, withChapters, now,
                    probe = """{"format":"mp3","tags":{},"has_cover_art":false,"duration_ms":6000,"chapters":[{"start_ms":0,"end_ms":3000,"title":"Intro"},{"start_ms":3000,"end_ms":6000,"title":"Main"}]}""",
                });
            foreach (var (id, podcast, published, title) in new[]
                     {
                         (withChapters, publicShow, now.AddHours(-2), "out"), (scheduled, publicShow, now.AddDays(2), "scheduled"),
                         (inDraft, draftShow, now.AddHours(-2), "draft show"),
                     })
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO episodes (id, podcast_id, guid, title, description, episode_type, explicit, published_at, processed_status,
                        media_asset_id, live_asset_id, created_at, updated_at)
                    VALUES (@id, @podcast, @guid, @title, '', 'full', false, @published, 'ready', @asset, @asset, @now, @now)
                    """, new { id, podcast, guid = id.ToString(), title, published, asset, now });
            }

            await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version IN (9, 10)");
        }

        (await migrator.MigrateAsync(CancellationToken.None)).ShouldBe(2);

        await using var check = await database.OpenAsync(CancellationToken.None);
        var episodes = (await check.QueryAsync<EpisodeState>("SELECT title, media_chapters, announced_at FROM episodes")).ToDictionary(e => e.Title);
        episodes["out"].MediaChapters.ShouldBe(2);
        episodes["out"].AnnouncedAt.ShouldNotBeNull("it went live before announcements existed");
        episodes["scheduled"].AnnouncedAt.ShouldBeNull("its time has not come: it is announced when it does");
        episodes["draft show"].AnnouncedAt.ShouldBeNull("nobody could see it: it is announced when its show goes public");
        (await check.ExecuteScalarAsync<long>("SELECT feed_version FROM podcasts WHERE id = @publicShow", new { publicShow })).ShouldBe(0);
    }
}
