using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>One broken variant of a source: its number in the seeded sequence, what was done, and the text.</summary>
public sealed record SourceVariant(int Index, string Mutation, string Source);

/// <summary>
/// Makes broken variants of a C# source, the way code looks in an editor while it is being typed:
/// truncated at a character, or with tokens deleted, duplicated or swapped. A token travels with its
/// trivia, so the rest of the text keeps its layout. Seeded: the same source, seed and count give the
/// same variants, so a failure names a variant that can be made again.
/// </summary>
public static class SourceMutator
{
    /// <summary>How many tokens one deletion or duplication takes at most (a run of neighbours).</summary>
    private const int MaxRun = 3;

    /// <summary>The source cut into tokens, each with its leading and trailing trivia; they concatenate back to the source.</summary>
    public static string[] Tokenise(string source) =>
        CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions)
            .GetRoot()
            .DescendantTokens(descendIntoTrivia: false)
            .Select(t => t.ToFullString())
            .ToArray();

    /// <summary>
    /// <paramref name="count"/> distinct variants of <paramref name="source"/>, none equal to it:
    /// a fifth each truncated, with a run of tokens deleted, with a run duplicated, with two tokens
    /// swapped (neighbours or anywhere), and with two or three of those token edits at once.
    /// </summary>
    public static IReadOnlyList<SourceVariant> Variants(string source, int seed, int count)
    {
        string[] tokens = Tokenise(source);
        if (string.Concat(tokens) != source)
        {
            throw new InvalidOperationException("The tokens do not concatenate back to the source.");
        }

        var random = new Random(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal) { source };
        var variants = new List<SourceVariant>(count);
        for (int attempt = 0; variants.Count < count; attempt++)
        {
            if (attempt > 50 * count)
            {
                throw new InvalidOperationException($"Only {variants.Count} distinct variants of a {source.Length}-character source after {attempt} attempts.");
            }

            (string text, string mutation) = random.Next(5) switch
            {
                0 => Truncate(source, random),
                1 => Apply(tokens, random, Delete),
                2 => Apply(tokens, random, Duplicate),
                3 => Apply(tokens, random, Swap),
                _ => Apply(tokens, random, Delete, Duplicate, Swap),
            };
            if (seen.Add(text))
            {
                variants.Add(new SourceVariant(variants.Count, mutation, text));
            }
        }

        return variants;
    }

    /// <summary>
    /// The smallest text it can find, by removing runs of tokens (halving the run length down to
    /// one token), for which <paramref name="stillFails"/> holds; stops when <paramref name="budget"/> is spent.
    /// </summary>
    public static string Reduce(string source, Func<string, bool> stillFails, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        List<string> tokens = Tokenise(source).ToList();
        for (int run = Math.Max(1, tokens.Count / 2); run >= 1 && clock.Elapsed < budget; run /= 2)
        {
            bool removedAny = true;
            while (removedAny && clock.Elapsed < budget)
            {
                removedAny = false;
                for (int start = 0; start < tokens.Count && clock.Elapsed < budget;)
                {
                    List<string> candidate = [.. tokens.Take(start), .. tokens.Skip(start + run)];
                    if (stillFails(string.Concat(candidate)))
                    {
                        tokens = candidate;
                        removedAny = true;
                    }
                    else
                    {
                        start += run;
                    }
                }
            }
        }

        // Then the trivia: a repro reads best without comments and with single spaces.
        string reduced = string.Concat(tokens);
        string compact = string.Join(
            " ",
            CSharpSyntaxTree.ParseText(reduced, GeneratorHarness.ParseOptions).GetRoot().DescendantTokens().Select(t => t.Text).Where(t => t.Length > 0));
        return compact != reduced && stillFails(compact) ? compact : reduced;
    }

    private delegate string TokenEdit(List<string> tokens, Random random);

    private static (string Text, string Mutation) Truncate(string source, Random random)
    {
        int at = random.Next(source.Length);
        return (source[..at], $"truncated at character {at} of {source.Length}");
    }

    /// <summary>One edit, or (given several) two or three of them chosen at random, applied in turn.</summary>
    private static (string Text, string Mutation) Apply(string[] source, Random random, params TokenEdit[] edits)
    {
        var tokens = source.ToList();
        int times = edits.Length == 1 ? 1 : random.Next(2, 4);
        var described = new List<string>(times);
        for (int i = 0; i < times; i++)
        {
            described.Add(edits[random.Next(edits.Length)](tokens, random));
        }

        return (string.Concat(tokens), string.Join("; then ", described));
    }

    /// <summary>Any token but the last (end of file, which carries only trivia).</summary>
    private static int PickToken(List<string> tokens, Random random) => random.Next(Math.Max(1, tokens.Count - 1));

    private static string Delete(List<string> tokens, Random random)
    {
        int start = PickToken(tokens, random);
        int length = Math.Min(random.Next(1, MaxRun + 1), Math.Max(1, tokens.Count - 1 - start));
        string removed = Show(tokens.Skip(start).Take(length));
        tokens.RemoveRange(start, length);
        return $"deleted tokens {start}..{start + length - 1} {removed}";
    }

    private static string Duplicate(List<string> tokens, Random random)
    {
        int start = PickToken(tokens, random);
        int length = Math.Min(random.Next(1, MaxRun + 1), Math.Max(1, tokens.Count - 1 - start));
        string[] copy = tokens.Skip(start).Take(length).ToArray();
        tokens.InsertRange(start + length, copy);
        return $"duplicated tokens {start}..{start + length - 1} {Show(copy)}";
    }

    private static string Swap(List<string> tokens, Random random)
    {
        int i = PickToken(tokens, random);
        int j = random.Next(2) == 0 ? Math.Min(i + 1, Math.Max(0, tokens.Count - 2)) : PickToken(tokens, random);
        (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
        return $"swapped tokens {i} {Show([tokens[j]])} and {j} {Show([tokens[i]])}";
    }

    private static string Show(IEnumerable<string> tokens)
    {
        var text = new StringBuilder("[");
        text.AppendJoin(", ", tokens.Select(t => "'" + t.Trim() + "'"));
        return text.Append(']').ToString();
    }
}
