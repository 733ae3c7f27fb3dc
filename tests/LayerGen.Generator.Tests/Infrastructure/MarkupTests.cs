using System;
using System.Linq;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>The markup helper that turns <c>[|...|]</c> and <c>{|ID:...|}</c> into expected spans.</summary>
public sealed class MarkupTests
{
    [Fact]
    public void Markers_are_stripped_and_become_spans_of_the_stripped_text()
    {
        (string source, var spans) = Markup.Parse("class [|A|] { int {|LG0003:x|} = 1; }");

        Assert.Equal("class A { int x = 1; }", source);
        Assert.Equal(
            [new MarkedSpan(null, new TextSpan(6, 1)), new MarkedSpan("LG0003", new TextSpan(14, 1))],
            spans.ToArray());
        Assert.Equal("x", source.Substring(spans[1].Span.Start, spans[1].Span.Length));
    }

    [Fact]
    public void Markers_nest_and_spans_come_out_ordered_by_start()
    {
        (string source, var spans) = Markup.Parse("f({|LG0005:a + {|LG0003:b()|}|})");

        Assert.Equal("f(a + b())", source);
        Assert.Equal(
            [new MarkedSpan("LG0005", TextSpan.FromBounds(2, 9)), new MarkedSpan("LG0003", TextSpan.FromBounds(6, 9))],
            spans.ToArray());
    }

    [Fact]
    public void Text_without_markers_is_unchanged()
    {
        (string source, var spans) = Markup.Parse("x => x | y; var a = b[0];");

        Assert.Equal("x => x | y; var a = b[0];", source);
        Assert.Empty(spans);
    }

    [Theory]
    [InlineData("[|unclosed")]
    [InlineData("closed|] without opening")]
    [InlineData("{|LG0001:mismatched|]")]
    [InlineData("{|:no id|}")]
    public void Malformed_markup_is_rejected(string markup) =>
        Assert.Throws<FormatException>(() => Markup.Parse(markup));
}
