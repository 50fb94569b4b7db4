using Settlement.Orchestration;

namespace Settlement.UnitTests.Saga;

public sealed class EchoedTextTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("BTC/USDT", "BTC/USDT")]
    public void A_value_of_at_most_64_characters_is_repeated_as_it_is(string? value, string expected)
    {
        Assert.Equal(expected, EchoedText.Of(value));
        Assert.Equal(new string('A', 64), EchoedText.Of(new string('A', 64)));
    }

    [Fact]
    public void A_longer_value_is_cut_to_64_characters_followed_by_an_ellipsis_and_its_length()
    {
        Assert.Equal($"{new string('A', 64)}…(4000005 characters)", EchoedText.Of(new string('A', 4_000_005)));
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var value = new string('A', 63) + "😀" + "BBB";

        Assert.Equal($"{new string('A', 63)}…(68 characters)", EchoedText.Of(value));
    }
}
