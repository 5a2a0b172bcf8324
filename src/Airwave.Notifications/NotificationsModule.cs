using Airwave.Core.Jobs;
using Airwave.Core.Options;
using Airwave.Notifications.Contracts;
using Airwave.Notifications.Data;
using Airwave.Notifications.Sending;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Notifications;

/// <summary>Registers the Notifications module: publish receipts, their send jobs and the HTTP client they use.</summary>
public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>>(new RulesValidator<NotificationOptions>(o => o.Validate()));
        services.AddSingleton<ReceiptStore>();
        services.AddSingleton<IPublishNotifier, PublishNotifier>();
        services.AddSingleton<IJobHandler, SendPublishNotification>();
        // Each attempt has its own deadline (Notifications:RequestTimeout). The factory's request logging is removed:
        // it writes whole URLs, and a ping template may carry a token; the job logs the host only.
        services.AddHttpClient(SendPublishNotification.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxAutomaticRedirections = 5 })
            .RemoveAllLoggers();
        return services;
    }
}
