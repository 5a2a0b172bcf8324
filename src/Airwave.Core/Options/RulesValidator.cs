using Microsoft.Extensions.Options;

namespace Airwave.Core.Options;

/// <summary>
/// Validates a settings class with a function that lists every broken rule in words, so a misconfigured server
/// stops at start naming each setting at fault (not "invalid settings").
/// </summary>
public sealed class RulesValidator<TOptions>(Func<TOptions, IEnumerable<string>> rules) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = rules(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
