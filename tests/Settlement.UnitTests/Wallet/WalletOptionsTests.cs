using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Settlement.Wallet;

namespace Settlement.UnitTests.Wallet;

public class WalletOptionsTests
{
    [Fact]
    public void Default_retry_intervals_are_1_2_and_4_seconds() =>
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], new WalletOptions().RetryIntervals());

    [Fact]
    public void Retry_intervals_double_up_to_the_cap()
    {
        var options = new WalletOptions { RetryLimit = 5, InitialRetryInterval = TimeSpan.FromSeconds(3), MaxRetryInterval = TimeSpan.FromSeconds(10) };

        Assert.Equal([3, 6, 10, 10, 10], options.RetryIntervals().Select(i => i.TotalSeconds));
    }

    [Fact]
    public void No_retries_means_no_intervals() => Assert.Empty(new WalletOptions { RetryLimit = 0 }.RetryIntervals());

    [Fact]
    public void By_default_a_batch_is_up_to_100_commands_two_at_a_time_and_the_endpoint_holds_two_full_batches_of_each_type()
    {
        var options = new WalletOptions();

        Assert.Equal((100, 2, 4 * 2 * 100), (options.BatchMessageLimit, options.BatchConcurrencyLimit, options.MessagesInFlight));
    }

    [Fact]
    public void Options_bind_from_the_Wallet_section_and_fall_back_to_the_shared_connection_string()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Settlement"] = "Host=db",
            ["Wallet:RetryLimit"] = "5",
            ["Wallet:InitialRetryInterval"] = "00:00:00.5",
            ["Wallet:BatchMessageLimit"] = "50",
            ["Wallet:BatchConcurrencyLimit"] = "3",
            ["Wallet:MessagesInFlight"] = "200",
        });

        Assert.Equal(("Host=db", 5, TimeSpan.FromMilliseconds(500), 50, 3, 200),
            (options.ConnectionString, options.RetryLimit, options.InitialRetryInterval, options.BatchMessageLimit, options.BatchConcurrencyLimit,
                options.MessagesInFlight));
    }

    [Fact]
    public void The_Wallet_section_connection_string_wins_over_the_shared_one()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Settlement"] = "Host=shared",
            ["Wallet:ConnectionString"] = "Host=wallet",
        });

        Assert.Equal("Host=wallet", options.ConnectionString);
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["Wallet:RetryLimit"] = "-1",
            ["Wallet:InitialRetryInterval"] = "00:00:00",
            ["Wallet:MaxRetryInterval"] = "-00:00:01",
            ["Wallet:BatchMessageLimit"] = "0",
            ["Wallet:BatchConcurrencyLimit"] = "17",
            ["Wallet:MessagesInFlight"] = "3",
            ["Wallet:InjectedFaultRate"] = "1.5",
            ["Wallet:LockTimeout"] = "00:00:00",
        }));

        Assert.Equal(
            ["ConnectionString", "RetryLimit", "InitialRetryInterval", "MaxRetryInterval", "BatchMessageLimit", "BatchConcurrencyLimit",
                "MessagesInFlight", "InjectedFaultRate", "LockTimeout"],
            failure.Failures.Select(f => f.Split(' ')[0]));
    }

    [Fact]
    public void Options_set_in_code_are_validated_too() =>
        Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddWallet(o => (o.ConnectionString, o.BatchMessageLimit) = ("Host=db", 0))
                .BuildServiceProvider().GetRequiredService<IOptions<WalletOptions>>().Value);

    static WalletOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddWallet(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WalletOptions>>().Value;
    }
}
