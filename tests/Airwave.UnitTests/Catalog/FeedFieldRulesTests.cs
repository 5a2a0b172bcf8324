using Airwave.Catalog.Data;
using Airwave.Catalog.Features.Feeds;
using Airwave.Catalog.Feeds;
using Airwave.Core.Http;
using Microsoft.AspNetCore.Http;

namespace Airwave.UnitTests.Catalog;

public sealed class FeedFieldRulesTests
{
    [Theory]
    [InlineData("FREQ=WEEKLY")]
    [InlineData("FREQ=DAILY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR")]
    [InlineData("FREQ=YEARLY;BYDAY=+4TH;BYMONTH=11")]
    [InlineData("FREQ=WEEKLY;UNTIL=2023-12-31T00:00:00.000Z;BYDAY=MO")]
    public void Rrule_FromTheNamespaceExamples_Accepted(string rrule) => FeedFieldRules.RruleProblem(rrule).ShouldBeNull();

    [Theory]
    [InlineData("BYDAY=MO", "FREQ")]
    [InlineData("FREQ=FORTNIGHTLY", "FREQ must be one of")]
    [InlineData("FREQ=WEEKLY;FREQ=DAILY", "more than once")]
    [InlineData("FREQ=WEEKLY;COUNT=0", "COUNT must be a whole number")]
    [InlineData("FREQ=WEEKLY;COUNT=3;UNTIL=20250101", "both COUNT and UNTIL")]
    [InlineData("FREQ=WEEKLY;SOMETIMES", "NAME=VALUE")]
    [InlineData("FREQ=WEEKLY;COLOR=RED", "NAME=VALUE")]
    public void Rrule_Malformed_SaysWhy(string rrule, string reason) => FeedFieldRules.RruleProblem(rrule)!.ShouldContain(reason);

    [Fact]
    public void Persons_TaxonomyAnyCase_StoredLowerCase_UnknownNamed()
    {
        var errors = new FieldErrors();
        var persons = FeedFieldRules.Persons(
            [new PersonCredit(" Ann ", "Cover Art Designer", "Visuals", null, null), new PersonCredit("Bob", null, "misc", null, null),
                new PersonCredit("Eve", "Overlord", "Villains", "http://insecure.example.com/e.jpg", "not a url")], errors);

        persons[0].ShouldBe(new PersonCredit("Ann", "cover art designer", "visuals", null, null));
        persons[1].Group.ShouldBe("misc.");
        var problems = errors.ToDictionary();
        problems.Keys.ShouldBe(["persons[2].role", "persons[2].group", "persons[2].img", "persons[2].href"], ignoreOrder: true);
        problems["persons[2].img"].Single().ShouldContain("https://");
    }

    [Fact]
    public void Lists_TooMany_OrNullEntries_Named()
    {
        var errors = new FieldErrors();
        FeedFieldRules.Funding([.. Enumerable.Range(0, FeedFieldRules.MaxFunding + 1).Select(i => new FundingLink($"https://e.com/{i}", "x"))], errors);
        FeedFieldRules.Txt([null!], errors);
        FeedFieldRules.Transcripts([new TranscriptLink("https://e.com/t.srt", "APPLICATION/X-SUBRIP", "EN-gb", "CAPTIONS")], errors)
            .Single().ShouldBe(new TranscriptLink("https://e.com/t.srt", "application/x-subrip", "en-GB", "captions"));

        var problems = errors.ToDictionary();
        problems["funding"].Single().ShouldContain($"at most {FeedFieldRules.MaxFunding}");
        problems["txt[0]"].Single().ShouldBe("must be an object");
        problems.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("geo:30.2672,-97.7431", "R113314", true)]
    [InlineData("geo:-27.86159,153.3169,20;u=35", "W43678282", true)]
    [InlineData("geo:91,0", "R1", false)]
    [InlineData("30.2,-97.7", "R1", false)]
    [InlineData("geo:30.2,-97.7", "X1", false)]
    public void Location_GeoUriAndOsmId_Checked(string geo, string osm, bool valid)
    {
        var errors = new FieldErrors();
        var location = FeedFieldRules.Location(new PlaceValue("Somewhere", geo, osm.ToLowerInvariant()), errors);

        errors.Any.ShouldBe(!valid);
        location!.Osm.ShouldBe(osm.ToUpperInvariant());
    }

    [Fact]
    public void Soundbites_InsideTheEpisodeOnlyWhenItsLengthIsKnown()
    {
        Soundbite[] bites = [new Soundbite(50, 20, null)];
        var known = new FieldErrors();
        FeedFieldRules.Soundbites(bites, 60, known);
        known.ToDictionary()["soundbites[0].start_time"].Single().ShouldContain("60 seconds");

        var unknown = new FieldErrors();
        FeedFieldRules.Soundbites(bites, null, unknown).Single().ShouldBe(new Soundbite(50, 20, null));
        unknown.Any.ShouldBeFalse();

        var tooLong = new FieldErrors();
        FeedFieldRules.Soundbites([new Soundbite(0, FeedFieldRules.MaxSoundbiteSeconds + 1, null)], null, tooLong);
        tooLong.ToDictionary().Keys.ShouldBe(["soundbites[0].duration"]);
    }

    [Fact]
    public void License_LowerCased_UpdateFrequencyCountNeedsStart()
    {
        var errors = new FieldErrors();
        FeedFieldRules.License(new LicenseValue("CC-BY-SA-4.0", null), errors)!.Identifier.ShouldBe("cc-by-sa-4.0");
        FeedFieldRules.UpdateFrequency(new UpdateFrequencyValue("freq=weekly;count=10", "Ten weeks", false, null), errors)!.Rrule
            .ShouldBe("FREQ=WEEKLY;COUNT=10");
        errors.ToDictionary().Keys.ShouldBe(["update_frequency.dtstart"]);
    }

    [Theory]
    [InlineData(null, "identity")]
    [InlineData("gzip", "gzip")]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("br;q=0.5, gzip;q=0.8", "gzip")]
    [InlineData("br;q=0, gzip;q=0", "identity")]
    [InlineData("*", "br")]
    [InlineData("*;q=0.1, br;q=0", "gzip")]
    [InlineData("deflate", "identity")]
    [InlineData("GZIP", "gzip")]
    public void Negotiate_AcceptEncoding_PicksTheBestStoredBody(string? header, string expected)
    {
        var http = new DefaultHttpContext();
        if (header is not null)
        {
            http.Request.Headers.AcceptEncoding = header;
        }

        GetRssFeed.Negotiate(http.Request).ShouldBe(expected switch
        {
            "br" => FeedEncoding.Brotli,
            "gzip" => FeedEncoding.Gzip,
            _ => FeedEncoding.Identity,
        });
    }
}
