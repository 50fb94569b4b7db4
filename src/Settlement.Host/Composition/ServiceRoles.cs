using Microsoft.Extensions.Options;

namespace Settlement.Host.Composition;

/// <summary>
/// What this process runs, from the setting <c>Service:Roles</c>: <c>saga</c>, <c>wallet</c>, or both (the default),
/// comma-separated. Several processes with the same role share its queue as competing consumers.
/// </summary>
[Flags]
public enum ServiceRoles
{
    Saga = 1,
    Wallet = 2,
}

public static class ServiceRolesSetting
{
    public const string Key = "Service:Roles";

    public static ServiceRoles Read(IConfiguration configuration)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
            return ServiceRoles.Saga | ServiceRoles.Wallet;

        ServiceRoles roles = 0;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= Enum.TryParse<ServiceRoles>(name, ignoreCase: true, out var role) && Enum.IsDefined(role)
                ? role
                : throw new OptionsValidationException(Key, typeof(ServiceRoles),
                    [$"{Key} has '{name}': use saga, wallet, or both separated by a comma"]);
        }

        return roles;
    }
}
