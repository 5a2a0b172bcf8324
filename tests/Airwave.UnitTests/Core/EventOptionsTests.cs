using Airwave.Core.Events;

namespace Airwave.UnitTests.Core;

public sealed class EventOptionsTests
{
    [Fact]
    public void Validate_Defaults_InProcess_NoProblems() => new EventOptions().Validate().ShouldBeEmpty();

    [Theory]
    [InlineData("kafka", "Events:Transport")]
    [InlineData("", "Events:Transport")]
    public void Validate_UnknownTransport_NamesTheSetting(string transport, string named) =>
        new EventOptions { Transport = transport }.Validate().ShouldContain(p => p.Contains(named));

    [Fact]
    public void Validate_RabbitMq_EveryBadSettingNamed()
    {
        var options = new EventOptions { Transport = "RabbitMQ" };
        options.RabbitMq.Uri = "http://broker:5672/";
        options.RabbitMq.Prefix = "air wave";
        options.RabbitMq.MaxDeliveries = 0;
        options.RabbitMq.Prefetch = 0;
        options.RabbitMq.StreamRetention = TimeSpan.FromSeconds(5);
        var problems = options.Validate().ToList();
        foreach (var key in new[] { "Uri", "Prefix", "MaxDeliveries", "Prefetch", "StreamRetention" })
        {
            problems.ShouldContain(p => p.StartsWith($"Events:RabbitMq:{key}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_RabbitMqSettings_IgnoredInProcess()
    {
        var options = new EventOptions();
        options.RabbitMq.Uri = "not a uri";
        options.Validate().ShouldBeEmpty();
    }

    [Fact]
    public void ForModuleOf_GroupNamedAfterTheModule_RunByWorkers()
    {
        var consumer = EventConsumer.ForModuleOf(typeof(EventOptions));
        consumer.Group.ShouldBe("core");
        consumer.Roles.ShouldBe(Airwave.Core.Hosting.ServerRoles.Worker);
    }
}
