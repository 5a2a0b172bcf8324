using System.Diagnostics;
using RabbitMQ.Client;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>
/// The RabbitMQ broker named by AIRWAVE_TEST_RABBITMQ (./airwave test installs and starts one and sets it). Without
/// it these tests fail rather than skip. Each test uses a prefix of its own for exchanges and queues and removes
/// them afterwards; tests that stop the broker run in the <see cref="RabbitMqCollection"/> one after another.
/// </summary>
public static class TestRabbitMq
{
    public const string EnvironmentVariable = "AIRWAVE_TEST_RABBITMQ";

    public static string Uri => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } uri
        ? uri
        : throw new InvalidOperationException($"{EnvironmentVariable} is not set. Run the tests with ./airwave test, which starts RabbitMQ and sets it.");

    public static async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(Uri), AutomaticRecoveryEnabled = false }.CreateConnectionAsync();

    /// <summary>Messages ready in a queue (quorum and classic queues both report it).</summary>
    public static async Task<uint> ReadyAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <summary>Removes the named queues and exchanges; missing ones are fine.</summary>
    public static async Task DeleteAsync(IEnumerable<string> queues, IEnumerable<string> exchanges)
    {
        await using var connection = await ConnectAsync();
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }

        foreach (var exchange in exchanges)
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeleteAsync(exchange, ifUnused: false);
        }
    }

    /// <summary>Stops the broker's applications (the AMQP port refuses connections; the node and its data stay).</summary>
    public static Task StopAsync() => RabbitMqCtlAsync("stop_app");

    public static async Task StartAsync()
    {
        await RabbitMqCtlAsync("start_app");
        await RabbitMqCtlAsync("await_startup");
    }

    private static async Task RabbitMqCtlAsync(string verb)
    {
        var info = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(verb);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        process.ExitCode.ShouldBe(0, $"rabbitmqctl {verb}: {await error}");
    }
}

/// <summary>Tests that use the shared broker, run one class at a time (one of them stops and starts it).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqCollection
{
    public const string Name = "RabbitMQ";
}
