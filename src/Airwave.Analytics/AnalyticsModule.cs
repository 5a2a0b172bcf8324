using Airwave.Analytics.Data;
using Airwave.Analytics.Downloads;
using Airwave.Analytics.Features;
using Airwave.Analytics.Import;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics;

/// <summary>
/// Registers the Analytics module's download side: settings, the stores and the reports (<see cref="AddAnalytics"/>,
/// <see cref="MapAnalyticsEndpoints"/>), and, separately, the counting that turns stored requests into figures
/// (<see cref="AddAnalyticsCounting"/>), so a role switch can run the counting in the analytics role only.
/// </summary>
public static class AnalyticsModule
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsValidator>();
        services.AddSingleton<AnalyticsStore>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<AnalyticsEngineSettings>();
        services.AddSingleton<RequestImporter>();
        return services;
    }

    /// <summary>The background counting of downloads into the database (the analytics role's work).</summary>
    public static IServiceCollection AddAnalyticsCounting(this IServiceCollection services)
    {
        services.AddSingleton<DownloadCounting>();
        services.AddHostedService(provider => provider.GetRequiredService<DownloadCounting>());
        return services;
    }

    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Analytics");
        DownloadSummaries.Map(api);
        DownloadsCsv.Map(api);
        return app;
    }
}

/// <summary>
/// Checks the settings at start, as the counting will use them: the plain rules, then building the engine's
/// settings, which reads the range files, the user-agent patterns and the geography database, so an unreadable or
/// corrupt file stops the start with the setting named instead of failing later in the background.
/// </summary>
internal sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions options)
    {
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            return ValidateOptionsResult.Fail(errors);
        }

        try
        {
            options.ToSettings();
            return ValidateOptionsResult.Success;
        }
        catch (AnalyticsSetupException error)
        {
            return ValidateOptionsResult.Fail(error.Message);
        }
    }
}
