using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>A span marked in test source: its diagnostic ID (null for a plain <c>[|...|]</c>) and where it is in the stripped text.</summary>
public sealed record MarkedSpan(string? Id, TextSpan Span);

/// <summary>
/// Test source with the expected diagnostic spans written into it, in the Roslyn SDK's markup:
/// <c>[|text|]</c> marks a span, <c>{|LG0003:text|}</c> marks a span with the ID expected there.
/// <see cref="Parse"/> strips the markers and returns the spans in the stripped text. Markers nest.
/// </summary>
public static class Markup
{
    private const string PlainOpen = "[|";
    private const string PlainClose = "|]";
    private const string IdOpen = "{|";
    private const string IdClose = "|}";

    /// <summary>The source without markers, and the marked spans ordered by start, then by end.</summary>
    public static (string Source, ImmutableArray<MarkedSpan> Spans) Parse(string markup)
    {
        var source = new StringBuilder(markup.Length);
        var open = new Stack<(string? Id, int Start, int MarkupIndex)>();
        var spans = new List<MarkedSpan>();
        int i = 0;
        while (i < markup.Length)
        {
            if (At(markup, i, PlainOpen))
            {
                open.Push((null, source.Length, i));
                i += PlainOpen.Length;
            }
            else if (At(markup, i, IdOpen))
            {
                int colon = markup.IndexOf(':', i + IdOpen.Length);
                string id = colon < 0 ? string.Empty : markup[(i + IdOpen.Length)..colon];
                if (id.Length == 0 || !id.All(char.IsAsciiLetterOrDigit))
                {
                    throw new FormatException($"'{IdOpen}' at {i} must be followed by an ID and a colon, as in '{{|LG0003:'.");
                }

                open.Push((id, source.Length, i));
                i = colon + 1;
            }
            else if (At(markup, i, PlainClose) || At(markup, i, IdClose))
            {
                bool plain = At(markup, i, PlainClose);
                if (open.Count == 0 || (open.Peek().Id is null) != plain)
                {
                    throw new FormatException($"'{markup.Substring(i, 2)}' at {i} closes no matching opening marker.");
                }

                (string? id, int start, _) = open.Pop();
                spans.Add(new MarkedSpan(id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i]);
                i++;
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException($"The marker opened at {open.Peek().MarkupIndex} is never closed.");
        }

        return (source.ToString(), spans.OrderBy(s => s.Span.Start).ThenBy(s => s.Span.End).ToImmutableArray());
    }

    private static bool At(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
}
