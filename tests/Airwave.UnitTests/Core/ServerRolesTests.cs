using Airwave.Core.Hosting;

namespace Airwave.UnitTests.Core;

public sealed class ServerRolesTests
{
    [Theory]
    [InlineData(null, ServerRoles.All)]
    [InlineData("", ServerRoles.All)]
    [InlineData("all", ServerRoles.All)]
    [InlineData("api", ServerRoles.Api)]
    [InlineData(" API , Worker ", ServerRoles.Api | ServerRoles.Worker)]
    [InlineData("analytics,analytics", ServerRoles.Analytics)]
    [InlineData("api,worker,analytics", ServerRoles.All)]
    public void Parse_KnownRoles_Combine(string? text, ServerRoles expected) => ServerRolesText.Parse(text).ShouldBe(expected);

    [Theory]
    [InlineData("api,web", "'web'")]
    [InlineData("workers", "'workers'")]
    public void Parse_UnknownRole_NamesTheWordAndTheChoices(string text, string named)
    {
        var error = Should.Throw<InvalidServerRolesException>(() => ServerRolesText.Parse(text));
        error.Message.ShouldContain(named);
        error.Message.ShouldContain("Server:Roles");
        error.Message.ShouldContain("api, worker, analytics");
    }

    [Fact]
    public void Parse_OnlyCommas_IsRefused() => Should.Throw<InvalidServerRolesException>(() => ServerRolesText.Parse(" , "));

    [Theory]
    [InlineData(ServerRoles.All, "all")]
    [InlineData(ServerRoles.Api | ServerRoles.Analytics, "api,analytics")]
    [InlineData(ServerRoles.Worker, "worker")]
    public void Format_IsWhatParseReads(ServerRoles roles, string text)
    {
        ServerRolesText.Format(roles).ShouldBe(text);
        ServerRolesText.Parse(text).ShouldBe(roles);
    }

    [Fact]
    public void Running_KeepsOnlyServicesOfTheActiveRoles_InDeclarationOrder()
    {
        RoleBoundService[] declared =
        [
            new(typeof(string), ServerRoles.All),
            new(typeof(int), ServerRoles.Worker),
            new(typeof(long), ServerRoles.Api),
            new(typeof(bool), ServerRoles.Analytics | ServerRoles.Worker),
        ];
        RoleSetup.Running(declared, ServerRoles.Api).ShouldBe([typeof(string), typeof(long)]);
        RoleSetup.Running(declared, ServerRoles.Worker).ShouldBe([typeof(string), typeof(int), typeof(bool)]);
        RoleSetup.Running(declared, ServerRoles.Analytics).ShouldBe([typeof(string), typeof(bool)]);
        RoleSetup.Running(declared, ServerRoles.All).Count.ShouldBe(4);
    }
}
