using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>A signed-up, signed-in person and an HTTP client that sends their access token.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, string AccessToken, string RefreshToken, HttpClient Http);

/// <summary>Small helpers that keep the tests about behaviour rather than HTTP plumbing.</summary>
public static class Api
{
    public const string Password = "correct horse battery";

    public static async Task<TestUser> SignUpAsync(this ServerFixture server, string role = "creator", string? displayName = null)
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using var anonymous = server.Client();
        var registered = await anonymous.PostJsonAsync("/api/v1/users/register",
            new { email, password = Password, display_name = displayName ?? "Test Person", role });
        registered.Status.ShouldBe(HttpStatusCode.Created, registered.Body?.ToJsonString());
        var tokens = await anonymous.PostJsonAsync("/api/v1/auth/login", new { email, password = Password });
        tokens.Status.ShouldBe(HttpStatusCode.OK, tokens.Body?.ToJsonString());
        var client = server.Client();
        var access = tokens.Body!["access_token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        return new TestUser(Guid.Parse(registered.Body!["id"]!.GetValue<string>()), email, Password, access,
            tokens.Body["refresh_token"]!.GetValue<string>(), client);
    }

    public static HttpClient WithToken(this ServerFixture server, string token)
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static object ValidPodcast(string title = "The Test Show") => new
    {
        title,
        description = "A show about **testing**.",
        owner_email = "owner@example.com",
        language = "en-us",
        category = "technology",
    };

    public static async Task<JsonNode> CreatePodcastAsync(this TestUser user, string title = "The Test Show")
    {
        var created = await user.Http.PostJsonAsync("/api/v1/podcasts", ValidPodcast(title));
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body?.ToJsonString());
        return created.Body!;
    }

    public static async Task<JsonNode> CreateEpisodeAsync(this TestUser user, string podcastId, string title = "Episode", object? extra = null)
    {
        var body = extra ?? new { title };
        var created = await user.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/episodes", body);
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body?.ToJsonString());
        return created.Body!;
    }

    public static Task<Response> PostJsonAsync(this HttpClient client, string path, object? body) =>
        SendAsync(client, HttpMethod.Post, path, body is null ? null : JsonContent.Create(body));

    public static Task<Response> PatchJsonAsync(this HttpClient client, string path, object body) =>
        SendAsync(client, HttpMethod.Patch, path, JsonContent.Create(body));

    /// <summary>A PATCH with an <c>If-Match</c> header sent as given (also when it is not a valid list of tags).</summary>
    public static async Task<Response> PatchIfMatchAsync(this HttpClient client, string path, object body, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch).ShouldBeTrue();
        return await ReadAsync(client, request);
    }

    public static Task<Response> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json") =>
        SendAsync(client, HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, contentType));

    public static Task<Response> GetJsonAsync(this HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path, null);

    public static Task<Response> DeleteJsonAsync(this HttpClient client, string path) => SendAsync(client, HttpMethod.Delete, path, null);

    public static async Task<Response> SendAsync(this HttpClient client, HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        return await ReadAsync(client, request);
    }

    /// <summary>Sends a request the test built (extra headers) and reads the answer once.</summary>
    public static async Task<Response> ReadAsync(this HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Response(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null, response.Headers);
    }
}

/// <summary>What a request came back with, read once.</summary>
public sealed record Response(HttpStatusCode Status, string? ContentType, JsonNode? Body, HttpResponseHeaders Headers)
{
    /// <summary>The reasons given for <paramref name="field"/> in a validation problem.</summary>
    public IReadOnlyList<string> ErrorsFor(string field) =>
        Body?["errors"]?[field]?.AsArray().Select(e => e!.GetValue<string>()).ToList() ?? [];

    public void ShouldBeProblem(HttpStatusCode status)
    {
        Status.ShouldBe(status, Body?.ToJsonString());
        ContentType.ShouldBe("application/problem+json");
        Body!["status"]!.GetValue<int>().ShouldBe((int)status);
        Body["title"].ShouldNotBeNull();
    }
}
