using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// Which cases a command selects, so the self-check checks the cases whose benchmarks will run: for
/// <c>--verify</c>, <c>--quick</c> and <c>--breakdown</c> a bare word matches case names ("Case6", "case5");
/// for a BenchmarkDotNet run every <c>--filter</c> glob is matched, as BenchmarkDotNet matches it, against
/// each benchmark's full name (<c>LayerGen.Benchmarks.Case2_MyLinear_64x8_Batch2.LayerGenStep</c>), and a
/// case is selected when any of its benchmarks is (a filter of LayerGen methods only selects every case).
/// </summary>
public sealed class CaseSelection
{
    private readonly Func<string, bool> _include;

    private CaseSelection(string description, Func<string, bool> include)
    {
        Description = description;
        _include = include;
    }

    /// <summary>What selected the cases, for messages ("all cases", "word 'Case6'", "--filter '*X*'").</summary>
    public string Description { get; }

    /// <summary>Whether the case class <paramref name="caseName"/> ("Case2", "Case6a") is selected.</summary>
    public bool Includes(string caseName) => _include(caseName);

    /// <summary>Cases whose class name contains <paramref name="word"/> (case-insensitive); null selects all.</summary>
    public static CaseSelection ByWord(string? word) =>
        word is null
            ? new CaseSelection("all cases", _ => true)
            : new CaseSelection($"the word '{word}'", c => c.Contains(word, StringComparison.OrdinalIgnoreCase)
                || word.Contains(c + "_", StringComparison.OrdinalIgnoreCase));

    /// <summary>Cases with at least one benchmark matched by one of BenchmarkDotNet's <c>--filter</c> globs (none: all).</summary>
    public static CaseSelection ByFilters(IReadOnlyList<string> globs)
    {
        if (globs.Count == 0)
        {
            return new CaseSelection("all cases", _ => true);
        }

        var patterns = globs.Select(g => new Regex("^" + Regex.Escape(g).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase)).ToArray();
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in typeof(CaseSelection).Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                if (method.GetCustomAttribute<BenchmarkAttribute>() is null)
                {
                    continue;
                }

                string fullName = type.FullName + "." + method.Name;
                if (patterns.Any(p => p.IsMatch(fullName)))
                {
                    selected.Add(type.Name.Split('_')[0]);
                }
            }
        }

        return new CaseSelection("--filter " + string.Join(" ", globs.Select(g => $"'{g}'")), selected.Contains);
    }

    /// <summary>The globs after <c>--filter</c> (BenchmarkDotNet takes several, up to the next option).</summary>
    public static List<string> FilterGlobs(string[] args)
    {
        var globs = new List<string>();
        int i = Array.IndexOf(args, "--filter");
        for (i++; i > 0 && i < args.Length && !args[i].StartsWith('-'); i++)
        {
            globs.Add(args[i]);
        }

        return globs;
    }
}
