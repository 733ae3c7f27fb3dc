using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Tests.Infrastructure;

// How each generated layer or loss is set up for the check: the sizes it is constructed with (the source's
// constant constructions, else small distinct sizes), its construction under a seed from its name, and its
// input and output features from its [LayerSignature] shapes.
public static partial class EagerAgreement
{
    /// <summary>At most this many constant constructions of one layer are checked (each has its own kernel).</summary>
    private const int MaxConstructionsPerLayer = 4;

    /// <summary>Each distinct constant construction (up to a few), else one set of small distinct sizes.</summary>
    private static IEnumerable<int[]> SizesToTry(Type type, int count, Dictionary<string, List<int[]>> constructions)
    {
        if (count > 0 && constructions.TryGetValue(type.FullName ?? type.Name, out List<int[]>? found))
        {
            int[][] matching = found.Where(s => s.Length == count && s.All(v => v > 0)).ToArray();
            if (matching.Length > 0)
            {
                return matching.Take(MaxConstructionsPerLayer);
            }
        }

        return [Enumerable.Range(3, count).ToArray()];
    }

    private static object? Construct(Type type, int[] sizes, string what, List<string> skipped)
    {
        // The int parameters are the sizes, in order; a float, double, bool or enum hyperparameter gets its default
        // value, or 0.25 (a valid dropout probability, exponent, bound or slope), true, or the enum's last member.
        ConstructorInfo? constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .FirstOrDefault(c => c.GetParameters() is var p && p.Count(q => q.ParameterType == typeof(int)) == sizes.Length
                && p.All(q => q.ParameterType == typeof(int) || q.ParameterType == typeof(float) || q.ParameterType == typeof(double) || q.ParameterType == typeof(bool) || q.ParameterType.IsEnum));
        if (constructor is null)
        {
            skipped.Add($"{what}: no constructor taking {sizes.Length} int size(s) and hyperparameters");
            return null;
        }

        int nextSize = 0;
        object[] arguments = constructor.GetParameters().Select(p =>
            p.ParameterType == typeof(int) ? sizes[nextSize++]
            : p.ParameterType.IsEnum ? (p.HasDefaultValue ? Enum.ToObject(p.ParameterType, p.DefaultValue!) : Enum.GetValues(p.ParameterType).GetValue(Enum.GetValues(p.ParameterType).Length - 1)!)
            : p.HasDefaultValue ? p.DefaultValue!
            : p.ParameterType == typeof(float) ? 0.25f
            : p.ParameterType == typeof(double) ? (object)0.25
            : true).ToArray();

        try
        {
            // Parameters come from the global generator: seeded per layer and sizes, so that a failure
            // reproduces whatever ran before (checks in parallel take turns; nothing else in these tests draws).
            lock (RandomGate)
            {
                Tensor.ManualSeed((ulong)StableSeed(what));
                return constructor.Invoke(arguments);
            }
        }
        catch (Exception e)
        {
            skipped.Add($"{what}: its constructor threw {Unwrap(e)}");
            return null;
        }
    }

    /// <summary>The constant size arguments of every <c>new T(...)</c> in the user's sources, by T's full name.</summary>
    private static Dictionary<string, List<int[]>> ConstantConstructions(Compilation compilation, IEnumerable<SyntaxTree> userTrees)
    {
        var result = new Dictionary<string, List<int[]>>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in userTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (BaseObjectCreationExpressionSyntax creation in tree.GetRoot().DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
            {
                if (creation.ArgumentList is not { Arguments.Count: > 0 } arguments
                    || model.GetTypeInfo(creation).Type is not INamedTypeSymbol created)
                {
                    continue;
                }

                var sizes = new List<int>();
                foreach (ArgumentSyntax argument in arguments.Arguments)
                {
                    if (model.GetConstantValue(argument.Expression) is { HasValue: true, Value: int value })
                    {
                        sizes.Add(value);
                    }
                }

                if (sizes.Count != arguments.Arguments.Count)
                {
                    continue;
                }

                string name = created.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "", StringComparison.Ordinal);
                List<int[]> list = result.TryGetValue(name, out var existing) ? existing : result[name] = [];
                if (!list.Any(s => s.SequenceEqual(sizes)))
                {
                    list.Add([.. sizes]);
                }
            }
        }

        return result;
    }

    /// <summary>"[*, inUnits, 3]" with the sizes substituted: the features (the batch left out), or null.</summary>
    private static int[]? Features(string shape, string[] sizeNames, int[] sizes)
    {
        string trimmed = shape.Trim();
        if (trimmed.StartsWith("ids ", StringComparison.Ordinal))
        {
            trimmed = trimmed[4..]; // an input of ids: its shape follows
        }

        if (!trimmed.StartsWith('[') || !trimmed.EndsWith(']'))
        {
            return null;
        }

        string[] parts = trimmed[1..^1].Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts[0] != "*")
        {
            return null;
        }

        var features = new List<int>();
        foreach (string part in parts.Skip(1))
        {
            int named = Array.IndexOf(sizeNames, part);
            if (named >= 0)
            {
                features.Add(sizes[named]);
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int constant))
            {
                features.Add(constant);
            }
            else if (LayerGen.Generator.Ir.SizeExpr.Parse(part) is { } size && size.Symbols.All(sizeNames.Contains))
            {
                // A size computed from the sizes ([*, (a + b)]): C#'s int arithmetic, as the layer's own code computes it.
                features.Add((int)size.Evaluate(s => sizes[Array.IndexOf(sizeNames, s)]));
            }
            else
            {
                return null;
            }
        }

        return [.. features];
    }

    private static int[]? PrivateIntArray(Type type, object instance, string field) =>
        type.GetField(field, BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(instance) as int[];

    /// <summary>A seed from the text (string.GetHashCode differs between processes).</summary>
    private static int StableSeed(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & 0x7fffffff);
    }

    private static string Describe(Type type, string[] sizeNames, int[] sizes) =>
        sizeNames.Length == 0
            ? type.FullName ?? type.Name
            : $"{type.FullName}({string.Join(", ", sizeNames.Zip(sizes, (n, v) => $"{n}: {v}"))})";
}
