using System;
using LayerGen.Generator.Ir;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The normal form of sizes (Ir/SizeExpr.cs): two ways of writing one size are one value, a quotient that rounds
/// stays a factor of its own, and the code it prints computes what C# computes from the same text.
/// </summary>
public sealed class SizeExprTests
{
    private static SizeExpr S(string text) => SizeExpr.Parse(text) ?? throw new ArgumentException($"'{text}' does not parse");

    [Theory]
    [InlineData("n + m", "m + n")]
    [InlineData("2 * (n + 1)", "n + n + 2")]
    [InlineData("(2 * n) / 2", "n")]
    [InlineData("(n * h) / h", "n")]
    [InlineData("(4 * n + 6) / 2", "2 * n + 3")]
    [InlineData("n - n + 3", "3")]
    [InlineData("heads * (d / heads) * steps", "steps * heads * (d / heads)")]
    [InlineData("(d / heads) + 1", "1 + d / heads")]
    [InlineData("(2 * n) % 2", "0")]
    public void Equal_sizes_have_one_normal_form(string a, string b)
    {
        Assert.Equal(S(a), S(b));
        Assert.Equal(S(a).GetHashCode(), S(b).GetHashCode());
        Assert.Equal(S(a).Text, S(b).Text);
    }

    [Theory]
    [InlineData("heads * (d / heads)", "d")] // equal only when heads divides d
    [InlineData("(n + 1) / 2", "n / 2")]
    [InlineData("n % 4", "0")]
    [InlineData("n", "m")]
    [InlineData("2 * n", "n")]
    public void Different_sizes_stay_different(string a, string b) => Assert.NotEqual(S(a), S(b));

    [Theory]
    [InlineData("n + m")]
    [InlineData("d / heads")]
    [InlineData("heads * steps * (d / heads) - 1")]
    [InlineData("-k")]
    [InlineData("(n + m) % 3 * 2")]
    public void The_text_reads_back_as_the_same_size(string text) => Assert.Equal(S(text), S(S(text).Text));

    [Theory]
    [InlineData("d / heads", 10, 3, 7)]
    [InlineData("heads * (d / heads)", 10, 3, 7)]
    [InlineData("(d + heads) % (steps - 1)", 10, 3, 7)]
    [InlineData("2 * steps - d / 4 + heads * heads", 9, 2, 5)]
    public void Evaluating_agrees_with_CSharp_on_the_same_text(string text, int d, int heads, int steps)
    {
        // The oracle: the same expressions written out in C# (int arithmetic).
        long expected = text switch
        {
            "d / heads" => d / heads,
            "heads * (d / heads)" => heads * (d / heads),
            "(d + heads) % (steps - 1)" => (d + heads) % (steps - 1),
            _ => (2 * steps) - (d / 4) + (heads * heads),
        };
        long Value(string name) => name switch { "d" => d, "heads" => heads, "steps" => steps, _ => throw new ArgumentException(name) };
        Assert.Equal(expected, S(text).Evaluate(Value));
    }

    [Fact]
    public void Code_is_a_parenthesised_operand_and_display_text_is_compact()
    {
        Assert.Equal("(m + n)", S("n + m").CodeWith(s => s)); // terms in ordinal order of their text
        Assert.Equal("(d_k / heads)", S("d / heads").CodeWith(s => s == "d" ? "d_k" : s));
        Assert.Equal("n", S("n").CodeWith(s => s));
        Assert.Equal("d/heads", S("d / heads").ToString());
        Assert.Equal("m + n", S("n + m").ToString());
        Assert.True(S("-k").IsNegative);
        Assert.False(S("n - k").IsNegative);
        Assert.False(S("-(d / 2)").IsNegative); // may be 0
    }

    [Theory]
    [InlineData("n +")]
    [InlineData("n / 0")]
    [InlineData("n.Length")]
    [InlineData("(n")]
    public void Text_that_is_not_a_size_does_not_parse(string text) => Assert.Null(SizeExpr.Parse(text));
}
