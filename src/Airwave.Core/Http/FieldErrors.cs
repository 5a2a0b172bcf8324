using Microsoft.AspNetCore.Http.HttpResults;

namespace Airwave.Core.Http;

/// <summary>
/// Collects every problem with a request before answering, so a client fixes all fields in one round trip.
/// Field names are the JSON names (snake_case) the client sent.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string reason)
    {
        if (!_errors.TryGetValue(field, out var reasons))
        {
            reasons = [];
            _errors[field] = reasons;
        }

        reasons.Add(reason);
        return this;
    }

    /// <summary>Adds <paramref name="reason"/> when <paramref name="failed"/> is true.</summary>
    public FieldErrors AddIf(bool failed, string field, string reason) => failed ? Add(field, reason) : this;

    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public ValidationProblem ToProblem() => Problems.Validation(ToDictionary());
}
