using System.Net;
using System.Net.Http.Headers;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Media;

public abstract class CoverTests(ServerFixture server)
{
    [Fact]
    public async Task PodcastCover_WidePng_CroppedAndRenderedAtEverySize_ServedImmutable()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var picture = await TestMedia.PictureAsync($"wide-{Guid.NewGuid():N}.png", 1800, 1500);

        var response = await PutAsync(owner.Http, $"/api/v1/podcasts/{podcastId}/cover", picture, "image/png");
        response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
        response.Body!["cropped"]!.GetValue<bool>().ShouldBeTrue();
        response.Body["original_width"]!.GetValue<int>().ShouldBe(1800);
        var images = response.Body["cover_images"]!.AsObject();
        images.Select(i => i.Key).ShouldBe(["3000", "1400", "600", "300"]);

        using var anonymous = server.Client();
        foreach (var (size, url) in images)
        {
            using var image = await anonymous.GetAsync(new Uri(url!.GetValue<string>()));
            image.StatusCode.ShouldBe(HttpStatusCode.OK);
            image.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
            image.Headers.CacheControl!.ToString().ShouldContain("immutable");
            image.Headers.ETag.ShouldNotBeNull();
            var dimensions = await TestMedia.DimensionsAsync(await image.Content.ReadAsByteArrayAsync());
            dimensions.ShouldBe((int.Parse(size, System.Globalization.CultureInfo.InvariantCulture), int.Parse(size, System.Globalization.CultureInfo.InvariantCulture)));
        }

        var podcast = (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!;
        podcast["cover_image_url"]!.GetValue<string>().ShouldBe(images["3000"]!.GetValue<string>());
    }

    [Fact]
    public async Task PodcastCover_TooSmall_SaysSizeAndMinimum_NothingChanged()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var picture = await TestMedia.PictureAsync($"small-{Guid.NewGuid():N}.jpg", 800, 800);
        var response = await PutAsync(owner.Http, $"/api/v1/podcasts/{podcastId}/cover", picture, "image/jpeg");
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("cover").Single().ShouldContain("800×800 px");
        response.ErrorsFor("cover").Single().ShouldContain("at least 1400×1400");
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!["cover_image_url"].ShouldBeNull();
    }

    [Theory]
    [InlineData("text")]
    [InlineData("audio")]
    public async Task PodcastCover_NotAPicture_Refused(string kind)
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var file = kind == "text" ? await TestMedia.TextAsAsync($"cover-{Guid.NewGuid():N}.jpg") : await TestMedia.AudioAsync($"cover-{Guid.NewGuid():N}.wav", 1, 1);
        var response = await PutAsync(owner.Http, $"/api/v1/podcasts/{podcastId}/cover", file, "image/jpeg");
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("cover").Single().ShouldContain("JPEG or PNG");
    }

    [Fact]
    public async Task EpisodeCover_OwnerOnly()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        var picture = await TestMedia.PictureAsync($"square-{Guid.NewGuid():N}.jpg", 1400, 1400);

        (await PutAsync(other.Http, $"/api/v1/episodes/{episodeId}/cover", picture, "image/jpeg")).ShouldBeProblem(HttpStatusCode.NotFound);
        var response = await PutAsync(owner.Http, $"/api/v1/episodes/{episodeId}/cover", picture, "image/jpeg");
        response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
        response.Body!["cropped"]!.GetValue<bool>().ShouldBeFalse();
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["cover_images"]!["300"].ShouldNotBeNull();
    }

    private static async Task<Response> PutAsync(HttpClient client, string path, string file, string contentType)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.SendAsync(HttpMethod.Put, path, content);
    }
}

public sealed class SqliteCoverTests(SqliteServer server) : CoverTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresCoverTests(PostgresServer server) : CoverTests(server), IClassFixture<PostgresServer>;

public sealed class S3CoverTests(SqliteS3Server server) : CoverTests(server), IClassFixture<SqliteS3Server>;
