using System.Text.Json;
using System.Text.Json.Serialization;

namespace Airwave.Core.Http;

/// <summary>
/// A PATCH field: absent from the JSON (leave as is) differs from present (set, where null clears).
/// This is JSON Merge Patch (RFC 7396) semantics for one property.
/// </summary>
[JsonConverter(typeof(OptionalJsonConverterFactory))]
public readonly record struct Optional<T>
{
    public Optional(T value)
    {
        IsSet = true;
        Value = value;
    }

    /// <summary>True when the property was present in the request.</summary>
    public bool IsSet { get; }

    public T Value { get; }

    public T Or(T current) => IsSet ? Value : current;
}

internal sealed class OptionalJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalJsonConverter<T> : JsonConverter<Optional<T>>
    {
        // The converter is only called for properties that are present, including explicit nulls.
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return new(default!);
            }

            // Reading through T's own converter (not a nested Deserialize) keeps the error path ($.field) intact.
            var converter = (JsonConverter<T>)options.GetConverter(typeof(T));
            return new(converter.Read(ref reader, typeof(T), options)!);
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
