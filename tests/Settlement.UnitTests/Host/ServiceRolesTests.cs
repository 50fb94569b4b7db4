using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Settlement.Host.Composition;

namespace Settlement.UnitTests.Host;

public class ServiceRolesTests
{
    [Theory]
    [InlineData(null, ServiceRoles.Saga | ServiceRoles.Wallet)]
    [InlineData("saga", ServiceRoles.Saga)]
    [InlineData("Wallet", ServiceRoles.Wallet)]
    [InlineData("saga, wallet", ServiceRoles.Saga | ServiceRoles.Wallet)]
    public void Roles_are_read_from_Service_Roles(string? setting, ServiceRoles expected) =>
        Assert.Equal(expected, ServiceRolesSetting.Read(Configuration(setting)));

    [Theory]
    [InlineData("sagas")]
    [InlineData("saga,api")]
    [InlineData("3")]
    public void An_unknown_role_stops_start_up_with_a_message_naming_the_setting(string setting)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ServiceRolesSetting.Read(Configuration(setting)));
        Assert.Contains("Service:Roles", error.Message);
    }

    static IConfiguration Configuration(string? roles) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Service:Roles"] = roles }).Build();
}
