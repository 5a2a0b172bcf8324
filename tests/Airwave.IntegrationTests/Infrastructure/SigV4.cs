using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>
/// Checks a pre-signed S3 GET URL's signature by computing it again from the AWS Signature Version 4 rules.
/// s3rver lets a V4 signature through without checking it (only the access key id and the expiry), so without
/// this a wrongly signed URL would pass the tests and fail only against real S3.
/// </summary>
public static class SigV4
{
    public static string ExpectedSignature(Uri url, string secretKey)
    {
        var query = Parameters(url);
        var credential = query["X-Amz-Credential"].Split('/');
        var (date, region, service) = (credential[1], credential[2], credential[3]);
        var signedHeaders = query["X-Amz-SignedHeaders"];
        if (signedHeaders != "host")
        {
            throw new InvalidOperationException($"Only URLs that sign the host header alone are checked here, not '{signedHeaders}'.");
        }

        var canonicalQuery = string.Join('&', query
            .Where(p => p.Key != "X-Amz-Signature")
            .Select(p => (Name: Uri.EscapeDataString(p.Key), Value: Uri.EscapeDataString(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        var host = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port.ToString(CultureInfo.InvariantCulture)}";
        var canonicalRequest = $"GET\n{url.AbsolutePath}\n{canonicalQuery}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD";
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{query["X-Amz-Date"]}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        foreach (var part in new[] { region, service, "aws4_request" })
        {
            key = Hmac(key, part);
        }

        return Hex(Hmac(key, stringToSign));
    }

    public static Dictionary<string, string> Parameters(Uri url) => url.Query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1] : ""));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
