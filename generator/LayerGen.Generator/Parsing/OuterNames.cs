using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// The names a layer's declarations use that may be found outside them: every identifier written in the class,
/// less those the class declares itself (its members, parameters, locals, local functions, type parameters),
/// plus every name written after a dot (<c>config.Hidden</c> reaches another type's member even when the layer has
/// a member of the same name) and the names of the class and the types around it. A syntax tree that changed
/// without declaring any of these cannot change what the layer's names bind to. For <see cref="SemanticMemo"/>.
/// </summary>
internal static class OuterNames
{
    public static HashSet<string> Of(ISymbol type, CancellationToken cancellationToken)
    {
        var used = new HashSet<string>(System.StringComparer.Ordinal);
        var declared = new HashSet<string>(System.StringComparer.Ordinal);
        var afterDot = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            foreach (var node in declaration.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case SimpleNameSyntax name:
                        used.Add(name.Identifier.ValueText);
                        if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node
                            || node.Parent is QualifiedNameSyntax qualified && qualified.Right == node
                            || node.Parent is MemberBindingExpressionSyntax)
                        {
                            afterDot.Add(name.Identifier.ValueText);
                        }

                        break;
                    case BaseTypeDeclarationSyntax nested when nested != declaration:
                        declared.Add(nested.Identifier.ValueText);
                        break;
                    case MethodDeclarationSyntax method:
                        declared.Add(method.Identifier.ValueText);
                        break;
                    case PropertyDeclarationSyntax property:
                        declared.Add(property.Identifier.ValueText);
                        break;
                    case EventDeclarationSyntax @event:
                        declared.Add(@event.Identifier.ValueText);
                        break;
                    case VariableDeclaratorSyntax variable:
                        declared.Add(variable.Identifier.ValueText);
                        break;
                    case ParameterSyntax parameter:
                        declared.Add(parameter.Identifier.ValueText);
                        break;
                    case TypeParameterSyntax typeParameter:
                        declared.Add(typeParameter.Identifier.ValueText);
                        break;
                    case LocalFunctionStatementSyntax local:
                        declared.Add(local.Identifier.ValueText);
                        break;
                    case SingleVariableDesignationSyntax designation:
                        declared.Add(designation.Identifier.ValueText);
                        break;
                    case ForEachStatementSyntax forEach:
                        declared.Add(forEach.Identifier.ValueText);
                        break;
                    case CatchDeclarationSyntax @catch:
                        declared.Add(@catch.Identifier.ValueText);
                        break;
                }
            }
        }

        used.ExceptWith(declared);
        used.UnionWith(afterDot);
        for (var around = type; around is INamedTypeSymbol named; around = named.ContainingType)
        {
            used.Add(named.Name);
        }

        return used;
    }
}
