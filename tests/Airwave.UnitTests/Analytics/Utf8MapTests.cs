using System.Text;
using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

public sealed class Utf8MapTests
{
    [Fact]
    public void RandomKeys_AreFoundLikeADictionary_ThroughGrowthAndClearing()
    {
        var random = new Random(7);
        var map = new Utf8Map<int>();
        var expected = new Dictionary<string, int>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5_000; i++)
            {
                // Lengths from empty to longer than the first key store, so both the slots and the keys grow.
                var key = new string((char)('a' + random.Next(26)), random.Next(0, 3)) + random.Next(20_000) + new string('x', random.Next(0, 1500) == 0 ? 1500 : 0);
                var bytes = Encoding.UTF8.GetBytes(key);
                var hash = FastHash.Hash64(bytes);
                if (map.TryGetValue(bytes, hash, out var value))
                {
                    value.ShouldBe(expected[key]);
                    continue;
                }

                expected.ContainsKey(key).ShouldBeFalse();
                map.Add(bytes, hash, i);
                expected[key] = i;
            }

            map.Count.ShouldBe(expected.Count);
            foreach (var (key, value) in expected)
            {
                var bytes = Encoding.UTF8.GetBytes(key);
                map.TryGetValue(bytes, FastHash.Hash64(bytes), out var found).ShouldBeTrue();
                found.ShouldBe(value);
            }

            map.Clear();
            expected.Clear();
            map.Count.ShouldBe(0);
            map.TryGetValue("a1"u8, FastHash.Hash64("a1"u8), out _).ShouldBeFalse();
        }
    }

    [Fact]
    public void KeysWithTheSameHash_AreToldApartByTheirBytes()
    {
        var map = new Utf8Map<string>();
        map.Add("Overcast/3.0"u8, 42, "first");
        map.Add("Overcast/3.1"u8, 42, "second");
        map.Add("Overcast/3"u8, 42, "prefix");

        map.TryGetValue("Overcast/3.0"u8, 42, out var first).ShouldBeTrue();
        first.ShouldBe("first");
        map.TryGetValue("Overcast/3.1"u8, 42, out var second).ShouldBeTrue();
        second.ShouldBe("second");
        map.TryGetValue("Overcast/3"u8, 42, out var prefix).ShouldBeTrue();
        prefix.ShouldBe("prefix");
        map.TryGetValue("Overcast/3.2"u8, 42, out _).ShouldBeFalse();
        map.TryGetValue("Overcast/3.0"u8, 43, out _).ShouldBeFalse();
    }

    [Fact]
    public void AnEmptyKey_IsAKeyLikeAnyOther()
    {
        var map = new Utf8Map<int>();
        map.TryGetValue([], 0, out _).ShouldBeFalse();
        map.Add([], 0, 5);
        map.TryGetValue([], 0, out var value).ShouldBeTrue();
        value.ShouldBe(5);
        map.Count.ShouldBe(1);
    }
}
