using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// The names whose declarations differ between two compilations, found in the syntax trees that differ (each in its
/// old and its new version): types, members, enum members, namespaces and using aliases, each compared by what other
/// code can see of it, so an edit inside a method's body changes no name (a method returning a tensor is compared
/// whole). Null when the change reaches further than names say (other references or options, a global using, an
/// operator or a conversion), so that everything is read again. For <see cref="SemanticMemo"/>.
/// </summary>
internal static class ChangedDeclarations
{
    private sealed class Box(HashSet<string>? names)
    {
        public HashSet<string>? Names { get; } = names;
    }

    /// <summary>Computed once per pair of compilations (50 layers ask the same question in one run); weak on both.</summary>
    private static readonly ConditionalWeakTable<Compilation, ConditionalWeakTable<CompilationShape, Box>> Cache = new();

    public static HashSet<string>? Between(CompilationShape previous, Compilation current)
    {
        if (ReferenceEquals(previous, CompilationShape.Of(current)))
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

    private static HashSet<string>? Compute(CompilationShape previous, Compilation current)
    {
        if (!previous.Options.Equals(current.Options)
            || !previous.ExternalReferences.SequenceEqual(current.ExternalReferences)
            || !string.Equals(previous.AssemblyName, current.AssemblyName, System.StringComparison.Ordinal))
        {
            return null;
        }

        var before = new HashSet<SyntaxTree>(previous.SyntaxTrees);
        var after = new HashSet<SyntaxTree>(current.SyntaxTrees);
        var removed = new Declarations();
        var added = new Declarations();
        foreach (var tree in before.Where(t => !after.Contains(t)))
        {
            if (!removed.Add(tree.GetRoot(), string.Empty))
            {
                return null;
            }
        }

        foreach (var tree in after.Where(t => !before.Contains(t)))
        {
            if (!added.Add(tree.GetRoot(), string.Empty))
            {
                return null;
            }
        }

        // A name is changed when what declares it differs: an edit inside a method's body leaves every name as it was.
        return new HashSet<string>(
            removed.Names.Concat(added.Names).Where(name => !removed.Of(name).SequenceEqual(added.Of(name))),
            System.StringComparer.Ordinal);
    }

    /// <summary>
    /// What a set of syntax trees declares: for each name, the text of every declaration of it without the bodies of
    /// methods and accessors (what other code can see of it: attributes, modifiers, types, parameters and their
    /// defaults, base types, a constant's value), each prefixed with the headers of the types around it.
    /// </summary>
    private sealed class Declarations
    {
        private readonly Dictionary<string, List<string>> _byName = new(System.StringComparer.Ordinal);

        public IEnumerable<string> Names => _byName.Keys;

        public IEnumerable<string> Of(string name) =>
            _byName.TryGetValue(name, out var texts) ? texts.OrderBy(t => t, System.StringComparer.Ordinal) : Enumerable.Empty<string>();

        private void Declare(string name, string text)
        {
            if (!_byName.TryGetValue(name, out var texts))
            {
                _byName[name] = texts = new List<string>();
            }

            texts.Add(text);
        }

        /// <summary>Adds what <paramref name="node"/> declares; false when it changes more than names say.</summary>
        public bool Add(SyntaxNode node, string around)
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
                            Declare(alias.Name.Identifier.ValueText, @using.ToString());
                        }

                        break;
                    case BaseNamespaceDeclarationSyntax ns:
                        foreach (var part in ns.Name.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)))
                        {
                            Declare(part.ValueText, "namespace");
                        }

                        if (!Add(ns, around))
                        {
                            return false;
                        }

                        break;
                    case OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax:
                        // Found by the types of the operands, whose names the reader need not write.
                        return false;
                    case EnumDeclarationSyntax @enum:
                        Declare(@enum.Identifier.ValueText, around + @enum);
                        foreach (var member in @enum.Members)
                        {
                            Declare(member.Identifier.ValueText, around + @enum.Identifier.ValueText + "." + member);
                        }

                        break;
                    case TypeDeclarationSyntax type:
                        string header = around + Before(type, type.OpenBraceToken.IsMissing ? null : type.OpenBraceToken);
                        Declare(type.Identifier.ValueText, header);
                        if (type is RecordDeclarationSyntax { ParameterList: { } positional })
                        {
                            // A record's positional parameters are its properties.
                            foreach (var parameter in positional.Parameters)
                            {
                                Declare(parameter.Identifier.ValueText, header);
                            }
                        }

                        if (!Add(type, header + " { "))
                        {
                            return false;
                        }

                        break;
                    case DelegateDeclarationSyntax @delegate:
                        Declare(@delegate.Identifier.ValueText, around + @delegate);
                        break;
                    case ConstructorDeclarationSyntax constructor:
                        Declare(constructor.Identifier.ValueText, around + Before(constructor, FirstOf(constructor.Body, constructor.ExpressionBody, constructor.Initializer)));
                        break;
                    case MethodDeclarationSyntax method:
                        // A method returning a tensor is seen whole: a buffer's shape is read from the body of the method
                        // that makes it (BufferReader), wherever that method is declared.
                        Declare(method.Identifier.ValueText, around + (ReturnsTensor(method) ? method.ToString() : Before(method, FirstOf(method.Body, method.ExpressionBody))));
                        break;
                    case PropertyDeclarationSyntax property:
                        Declare(property.Identifier.ValueText, around + Before(property, FirstOf(property.AccessorList, property.ExpressionBody)) + Accessors(property.AccessorList));
                        break;
                    case IndexerDeclarationSyntax indexer when indexer.Parent is BaseTypeDeclarationSyntax owner:
                        Declare(owner.Identifier.ValueText, around + Before(indexer, FirstOf(indexer.AccessorList, indexer.ExpressionBody)) + Accessors(indexer.AccessorList));
                        break;
                    case EventDeclarationSyntax @event:
                        Declare(@event.Identifier.ValueText, around + Before(@event, @event.AccessorList));
                        break;
                    case BaseFieldDeclarationSyntax field:
                        // A constant's value is part of what others see; another field's initialiser is not.
                        bool constant = field.Modifiers.Any(SyntaxKind.ConstKeyword);
                        foreach (var variable in field.Declaration.Variables)
                        {
                            string seen = constant ? field.ToString() : $"{field.AttributeLists} {field.Modifiers} {field.Declaration.Type} {variable.Identifier.ValueText}";
                            Declare(variable.Identifier.ValueText, around + seen);
                        }

                        break;
                    case GlobalStatementSyntax:
                        // Top-level statements declare nothing another file can name (their locals and local functions stay in Main).
                        break;
                }
            }

            return true;
        }

        private static bool ReturnsTensor(MethodDeclarationSyntax method) =>
            method.ReturnType.ToString().TrimEnd('?') is "Tensor" or "LayerGen.Tensor" or "global::LayerGen.Tensor";

        private static SyntaxNodeOrToken? FirstOf(params SyntaxNode?[] nodes) =>
            nodes.Where(n => n is not null).OrderBy(n => n!.SpanStart).Select(n => (SyntaxNodeOrToken?)n!).FirstOrDefault();

        /// <summary>The declaration's text up to <paramref name="end"/> (its body), or all of it.</summary>
        private static string Before(SyntaxNode declaration, SyntaxNodeOrToken? end)
        {
            var text = declaration.SyntaxTree.GetText();
            int stop = end?.SpanStart ?? declaration.Span.End;
            return text.ToString(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(declaration.SpanStart, stop));
        }

        private static string Before(SyntaxNode declaration, SyntaxToken end) => Before(declaration, (SyntaxNodeOrToken?)end);

        private static string Accessors(AccessorListSyntax? accessors) =>
            accessors is null ? string.Empty : string.Join(" ", accessors.Accessors.Select(a => $"{a.AttributeLists} {a.Modifiers} {a.Keyword.ValueText};"));
    }
}
