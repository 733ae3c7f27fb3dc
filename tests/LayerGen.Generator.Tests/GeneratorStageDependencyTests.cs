using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The generator's folders are stages (Parsing → Building → Ir → Autodiff → Lowering → Emit, with Model and
/// Diagnostics beside them). Each may use the stages before it, never one after it: a cycle would mean a stage's
/// decisions leak into another. Found by binding every name in the generator's sources to the symbol it denotes,
/// so a fully qualified use (<c>Emit.Names</c>) counts as much as a <c>using</c>.
/// </summary>
public sealed class GeneratorStageDependencyTests
{
    private const string Namespace = "LayerGen.Generator.";

    [Fact]
    public void The_generator_s_folders_depend_on_each_other_without_a_cycle()
    {
        var uses = StageUses();

        Assert.Contains("Lowering", uses["Emit"]); // the binding sees real uses (a test that cannot pass vacuously)
        var cycle = FindCycle(uses);
        Assert.True(cycle is null, $"a dependency cycle between the generator's folders: {string.Join(" → ", cycle ?? new List<string>())}\n{Describe(uses)}");
    }

    [Fact]
    public void The_ir_knows_no_stage_but_the_model()
    {
        var uses = StageUses();

        Assert.Empty(uses["Ir"].Except(new[] { "Model", "Diagnostics" }));
        Assert.DoesNotContain("Emit", uses["Lowering"]);
        Assert.DoesNotContain("Lowering", uses["Autodiff"]);
    }

    /// <summary>Folder → the other folders whose types or members its files name.</summary>
    private static Dictionary<string, HashSet<string>> StageUses()
    {
        var compilation = GeneratorSources.Compilation;
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            string relative = GeneratorSources.RelativePath(tree);
            if (!relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue; // the driver (LayerGenerator, LayerCompiler) at the root wires every stage together
            }

            string stage = relative.Split(Path.DirectorySeparatorChar)[0];
            if (!uses.TryGetValue(stage, out var used))
            {
                uses[stage] = used = new HashSet<string>(StringComparer.Ordinal);
            }

            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var info = model.GetSymbolInfo(name);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                string? other = StageOf(symbol);
                if (other is not null && other != stage)
                {
                    used.Add(other);
                }
            }
        }

        return uses;
    }

    /// <summary>The generator folder a type or member is declared in (its namespace's first part under LayerGen.Generator).</summary>
    private static string? StageOf(ISymbol? symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
        string? ns = type?.ContainingNamespace?.ToDisplayString();
        if (ns is null || !ns.StartsWith(Namespace, StringComparison.Ordinal))
        {
            return null;
        }

        return ns.Substring(Namespace.Length).Split('.')[0];
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> uses)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: on the path, 2: done
        var path = new List<string>();
        List<string>? Visit(string stage)
        {
            state[stage] = 1;
            path.Add(stage);
            foreach (string next in uses.TryGetValue(stage, out var used) ? used.OrderBy(s => s, StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                if (state.TryGetValue(next, out int s) && s == 1)
                {
                    return path.Skip(path.IndexOf(next)).Append(next).ToList();
                }

                if (!state.ContainsKey(next) && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[stage] = 2;
            return null;
        }

        foreach (string stage in uses.Keys.OrderBy(s => s, StringComparer.Ordinal))
        {
            if (!state.ContainsKey(stage) && Visit(stage) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static string Describe(Dictionary<string, HashSet<string>> uses) =>
        string.Join("\n", uses.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key} → {string.Join(", ", u.Value.OrderBy(s => s, StringComparer.Ordinal))}"));
}
