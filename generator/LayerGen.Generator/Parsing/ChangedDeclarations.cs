using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// The names declared by the syntax trees that differ between two compilations (each changed tree in its old and
/// its new version): types, members, enum members, namespaces and using aliases. Null when the change reaches
/// further than names say (other references or options, a global or static using, an operator or a conversion),
/// so that every layer is read again. For <see cref="SemanticMemo"/>.
/// </summary>
internal static class ChangedDeclarations
{
    private sealed class Box(HashSet<string>? names)
    {
        public HashSet<string>? Names { get; } = names;
    }

    /// <summary>Computed once per pair of compilations (50 layers ask the same question in one run); weak on both.</summary>
    private static readonly ConditionalWeakTable<Compilation, ConditionalWeakTable<Compilation, Box>> Cache = new();

    public static HashSet<string>? Between(Compilation previous, Compilation current)
    {
        if (ReferenceEquals(previous, current))
        {
            return new HashSet<string>();
        }

        var byPrevious = Cache.GetOrCreateValue(current);
        lock (byPrevious)
        {
            if (!byPrevious.TryGetValue(previous, out var box))
            {
                box = new Box(Compute(previous, current));
                byPrevious.Add(previous, box);
            }

            return box.Names;
        }
    }

    private static HashSet<string>? Compute(Compilation previous, Compilation current)
    {
        if (!previous.Options.Equals(current.Options)
            || !previous.ExternalReferences.SequenceEqual(current.ExternalReferences)
            || !string.Equals(previous.AssemblyName, current.AssemblyName, System.StringComparison.Ordinal))
        {
            return null;
        }

        var before = new HashSet<SyntaxTree>(previous.SyntaxTrees);
        var after = new HashSet<SyntaxTree>(current.SyntaxTrees);
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var tree in before.Where(t => !after.Contains(t)).Concat(after.Where(t => !before.Contains(t))))
        {
            if (!AddDeclaredNames(tree.GetRoot(), names))
            {
                return null;
            }
        }

        return names;
    }

    /// <summary>Adds what <paramref name="node"/> declares to <paramref name="names"/>; false when it changes more than names.</summary>
    private static bool AddDeclaredNames(SyntaxNode node, HashSet<string> names)
    {
        foreach (var child in node.ChildNodes())
        {
            switch (child)
            {
                case UsingDirectiveSyntax @using:
                    if (@using.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
                    {
                        return false;
                    }

                    if (@using.Alias is { } alias)
                    {
                        names.Add(alias.Name.Identifier.ValueText);
                    }

                    break;
                case BaseNamespaceDeclarationSyntax ns:
                    names.UnionWith(ns.Name.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
                    if (!AddDeclaredNames(ns, names))
                    {
                        return false;
                    }

                    break;
                case OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax:
                    // Found by the types of the operands, whose names the layer need not write.
                    return false;
                case EnumDeclarationSyntax @enum:
                    names.Add(@enum.Identifier.ValueText);
                    names.UnionWith(@enum.Members.Select(m => m.Identifier.ValueText));
                    break;
                case TypeDeclarationSyntax type:
                    names.Add(type.Identifier.ValueText);
                    if (type is RecordDeclarationSyntax { ParameterList: { } positional })
                    {
                        // A record's positional parameters are its properties.
                        names.UnionWith(positional.Parameters.Select(p => p.Identifier.ValueText));
                    }

                    if (!AddDeclaredNames(type, names))
                    {
                        return false;
                    }

                    break;
                case DelegateDeclarationSyntax @delegate:
                    names.Add(@delegate.Identifier.ValueText);
                    break;
                case MethodDeclarationSyntax method:
                    names.Add(method.Identifier.ValueText);
                    break;
                case PropertyDeclarationSyntax property:
                    names.Add(property.Identifier.ValueText);
                    break;
                case EventDeclarationSyntax @event:
                    names.Add(@event.Identifier.ValueText);
                    break;
                case BaseFieldDeclarationSyntax field:
                    names.UnionWith(field.Declaration.Variables.Select(v => v.Identifier.ValueText));
                    break;
                case GlobalStatementSyntax:
                    // Top-level statements declare nothing another file can name (their locals and local functions stay in Main).
                    break;
            }
        }

        return true;
    }
}
