using System.Text.Json;
using Airwave.Core.Http;

namespace Airwave.UnitTests.Core;

public sealed class OptionalTests
{
    private sealed record Patch(Optional<string?> Title, Optional<int?> Number);

    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HttpSetup.ConfigureJson(options);
        return options;
    }

    [Fact]
    public void Deserialize_AbsentField_IsNotSet()
    {
        var patch = JsonSerializer.Deserialize<Patch>("{}", Options)!;
        patch.Title.IsSet.ShouldBeFalse();
        patch.Title.Or("kept").ShouldBe("kept");
    }

    [Fact]
    public void Deserialize_ExplicitNull_IsSetToNull()
    {
        var patch = JsonSerializer.Deserialize<Patch>("""{"title": null}""", Options)!;
        patch.Title.IsSet.ShouldBeTrue();
        patch.Title.Or("kept").ShouldBeNull();
    }

    [Fact]
    public void Deserialize_Value_IsSet()
    {
        var patch = JsonSerializer.Deserialize<Patch>("""{"title": "New", "number": 3}""", Options)!;
        patch.Title.Value.ShouldBe("New");
        patch.Number.Value.ShouldBe(3);
    }

    [Fact]
    public void Deserialize_WrongType_ErrorPathNamesTheField()
    {
        var error = Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Patch>("""{"number": "three"}""", Options));
        error.Path.ShouldBe("$.number");
    }

    [Fact]
    public void Deserialize_UnknownField_Rejected()
    {
        var error = Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Patch>("""{"titel": "x"}""", Options));
        error.Message.ShouldContain("'titel'");
    }
}
