using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// Finds code that can run an instruction-set-specific path on a machine that does not have it: a
/// <c>Vector512</c> operation where <c>Vector512.IsHardwareAccelerated</c> may be false (.NET then emulates it
/// in software, several times slower than the <c>Vector256</c> path), or an <c>X86</c>/<c>Arm</c> intrinsic
/// where its class's <c>IsSupported</c> may be false (a PlatformNotSupportedException, e.g. on linux-arm64).
/// </summary>
/// <remarks>
/// <para>The rule, per capability (Vector512, or one intrinsic class such as <c>Avx2</c>):</para>
/// <list type="number">
/// <item>A <b>use</b> is an expression of type <c>Vector512&lt;T&gt;</c>; a call of a <c>Vector512</c> method, of a
/// method taking a <c>Vector512&lt;T&gt;</c>, or of a generic method instantiated with <c>Vector512&lt;T&gt;</c> or with a
/// type implementing an interface over it (e.g. <c>Gemm.Ops512</c>); for an intrinsic class, a call of one of its
/// methods. Not uses: <c>Vector512.IsHardwareAccelerated</c>, <c>Vector512&lt;T&gt;.Count</c> and <c>.IsSupported</c>
/// (constants), type names, <c>typeof</c>/<c>nameof</c>, documentation.</item>
/// <item>A use is <b>guarded</b> when a check dominates it inside its member: it is in the then-branch of an
/// <c>if</c> or <c>?:</c> (or right of <c>&amp;&amp;</c>) whose condition has the check as a conjunct, in the else-branch
/// (or right of <c>||</c>) of a condition that is false only when the check holds (<c>!check || …</c>), or after
/// <c>if (!check …) return/throw/break/continue</c> in an enclosing block. The check is
/// <c>Vector512.IsHardwareAccelerated</c>; for an intrinsic class, <c>IsSupported</c> of that class, of a class
/// derived from it (<c>Avx512F</c> for <c>Avx2</c>), or of one nested in such a class (<c>AdvSimd.Arm64</c>).</item>
/// <item>A member (method, accessor, constructor, initializer) is <b>capability-only</b> when its signature
/// mentions <c>Vector512&lt;T&gt;</c> (or its type implements an interface over it), or when it contains an unguarded
/// use — and a call of a capability-only member defined in the scanned code is itself a use, so the rule
/// follows calls to a fixed point: a private helper whose body is all Vector512 is fine if every call of it is
/// guarded.</item>
/// <item>A <b>violation</b> is a capability-only member, not so by its signature, that code outside the scan can
/// reach: visible outside its assembly, an interface implementation or override (the runtime calls a layer's
/// kernels through <c>ILayer</c>), a delegate or function-pointer target, a field initializer or static
/// constructor. It is reported with the unguarded uses it leads to.</item>
/// </list>
/// </remarks>
public static partial class IntrinsicGuardScanner
{
    /// <summary>The capability of Vector512 operations (the others are intrinsic class names, e.g. "Avx2").</summary>
    public const string Vector512Capability = "Vector512";

    /// <summary>One unguarded use, reachable from a root.</summary>
    public sealed record Violation(string Capability, string Root, string Location, string Code)
    {
        public override string ToString() => $"{Capability}: {Location}: {Code}   (reached from {Root})";
    }

    /// <summary>What a scan saw: uses found (guarded or not) per capability, and the violations.</summary>
    public sealed record Result(IReadOnlyDictionary<string, int> UsesPerCapability, IReadOnlyList<Violation> Violations, int Members);

    private sealed class Member
    {
        public required ISymbol Symbol { get; init; }

        public required SyntaxNode Syntax { get; init; }

        public required bool IsRoot { get; init; }

        public required bool WideBySignature { get; init; }

        /// <summary>Unguarded uses per capability (direct ones; calls are in <see cref="Calls"/>).</summary>
        public Dictionary<string, List<SyntaxNode>> Unguarded { get; } = new(StringComparer.Ordinal);

        /// <summary>Calls of scanned members: callee, the call, and the capabilities whose check guards it.</summary>
        public List<(ISymbol Callee, SyntaxNode Call, HashSet<string> GuardedFor)> Calls { get; } = [];
    }

    /// <summary>Scans every member of every syntax tree of <paramref name="compilation"/> (hand-written and generated alike).</summary>
    public static Result Scan(Compilation compilation)
    {
        var members = new Dictionary<ISymbol, Member>(SymbolEqualityComparer.Default);
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var delegateTargets = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode declaration in tree.GetRoot().DescendantNodes().Where(IsMemberWithCode))
            {
                ISymbol? symbol = DeclaredSymbol(model, declaration);
                if (symbol is null || members.ContainsKey(symbol))
                {
                    continue;
                }

                var member = new Member
                {
                    Symbol = symbol,
                    Syntax = declaration,
                    IsRoot = IsRoot(symbol, declaration),
                    WideBySignature = WideBySignature(symbol),
                };
                members[symbol] = member;
                Collect(model, member, uses, delegateTargets);
            }
        }

        // Capability-only members, to a fixed point: a member with an unguarded use of the capability, or
        // with an unguarded call of a capability-only member.
        var capabilities = members.Values.SelectMany(m => m.Unguarded.Keys).Append(Vector512Capability).ToHashSet(StringComparer.Ordinal);
        var violations = new List<Violation>();
        foreach (string capability in capabilities.OrderBy(c => c, StringComparer.Ordinal))
        {
            var only = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (Member m in members.Values)
            {
                if (m.Unguarded.ContainsKey(capability) || (capability == Vector512Capability && m.WideBySignature))
                {
                    only.Add(m.Symbol);
                }
            }

            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (Member m in members.Values)
                {
                    if (!only.Contains(m.Symbol) && m.Calls.Any(c => !c.GuardedFor.Contains(capability) && only.Contains(c.Callee)))
                    {
                        only.Add(m.Symbol);
                        changed = true;
                    }
                }
            }

            foreach (Member root in members.Values.Where(m => only.Contains(m.Symbol) && (m.IsRoot || delegateTargets.Contains(m.Symbol))))
            {
                if (capability == Vector512Capability && root.WideBySignature)
                {
                    continue; // its caller holds a Vector512 value already, or is a use itself
                }

                foreach ((Member where, SyntaxNode use) in ReachedUses(root, capability, only, members))
                {
                    FileLinePositionSpan span = use.GetLocation().GetLineSpan();
                    string text = use.ToString().ReplaceLineEndings(" ");
                    violations.Add(new Violation(
                        capability,
                        root.Symbol.ToDisplayString(),
                        $"{System.IO.Path.GetFileName(span.Path)}:{span.StartLinePosition.Line + 1} in {where.Symbol.ToDisplayString()}",
                        text.Length > 120 ? text[..120] + "…" : text));
                }
            }
        }

        return new Result(uses, violations.Distinct().ToList(), members.Count);
    }

    /// <summary>The unguarded direct uses in <paramref name="root"/> and in the capability-only members it calls unguarded.</summary>
    private static IEnumerable<(Member Where, SyntaxNode Use)> ReachedUses(Member root, string capability, HashSet<ISymbol> only, Dictionary<ISymbol, Member> members)
    {
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var queue = new Queue<Member>([root]);
        while (queue.Count > 0)
        {
            Member m = queue.Dequeue();
            if (!seen.Add(m.Symbol))
            {
                continue;
            }

            if (m.Unguarded.TryGetValue(capability, out List<SyntaxNode>? direct))
            {
                foreach (SyntaxNode use in direct)
                {
                    yield return (m, use);
                }
            }

            foreach (var call in m.Calls.Where(c => !c.GuardedFor.Contains(capability) && only.Contains(c.Callee)))
            {
                Member callee = members[call.Callee];
                if (capability == Vector512Capability && callee.WideBySignature)
                {
                    yield return (m, call.Call); // the call is the use
                }
                else
                {
                    queue.Enqueue(callee);
                }
            }
        }
    }

    private static bool IsMemberWithCode(SyntaxNode node) => node switch
    {
        BaseMethodDeclarationSyntax => true, // methods, constructors, destructors, operators, conversions
        AccessorDeclarationSyntax => true,
        PropertyDeclarationSyntax p => p.ExpressionBody is not null || p.Initializer is not null,
        IndexerDeclarationSyntax i => i.ExpressionBody is not null,
        VariableDeclaratorSyntax v => v.Initializer is not null && v.Parent?.Parent is FieldDeclarationSyntax,
        _ => false,
    };

    private static ISymbol? DeclaredSymbol(SemanticModel model, SyntaxNode declaration)
    {
        ISymbol? symbol = model.GetDeclaredSymbol(declaration);
        return symbol is IPropertySymbol { GetMethod: { } get } && declaration is PropertyDeclarationSyntax { ExpressionBody: not null } ? get : symbol;
    }

    /// <summary>Code outside the scan can run it: visible outside the assembly, an interface implementation or override, an initializer or static constructor, a module initializer.</summary>
    private static bool IsRoot(ISymbol symbol, SyntaxNode declaration)
    {
        if (declaration is VariableDeclaratorSyntax || declaration is PropertyDeclarationSyntax { Initializer: not null, ExpressionBody: null })
        {
            return true;
        }

        if (symbol is IMethodSymbol method)
        {
            if (method.MethodKind is MethodKind.StaticConstructor || method.IsOverride
                || method.ExplicitInterfaceImplementations.Length > 0
                || method.GetAttributes().Any(a => a.AttributeClass?.Name == "ModuleInitializerAttribute"))
            {
                return true;
            }

            ISymbol owner = method.AssociatedSymbol ?? method;
            if (owner is IPropertySymbol { IsOverride: true } or IPropertySymbol { ExplicitInterfaceImplementations.Length: > 0 })
            {
                return true;
            }

            INamedTypeSymbol? type = method.ContainingType;
            if (type is not null && type.AllInterfaces.SelectMany(i => i.GetMembers()).Any(m => SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(m), owner)))
            {
                return true;
            }
        }

        for (ISymbol? s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
        {
            if (s.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool WideBySignature(ISymbol symbol)
    {
        if (symbol.ContainingType is { } type && MentionsVector512(type))
        {
            return true;
        }

        return symbol switch
        {
            IMethodSymbol m => MentionsVector512(m.ReturnType) || m.Parameters.Any(p => MentionsVector512(p.Type))
                || (m.AssociatedSymbol is IPropertySymbol p && MentionsVector512(p.Type)),
            IPropertySymbol p => MentionsVector512(p.Type),
            IFieldSymbol f => MentionsVector512(f.Type),
            _ => false,
        };
    }

    /// <summary>Vector512&lt;T&gt;, a type built on it, or a type implementing an interface over it (Ops512: IOps&lt;Vector512&lt;float&gt;&gt;).</summary>
    private static bool MentionsVector512(ITypeSymbol? type) =>
        ContainsVector512(type) || (type is INamedTypeSymbol named && named.AllInterfaces.Any(i => i.TypeArguments.Any(ContainsVector512)));

    /// <summary>Vector512&lt;T&gt; or a type whose structure (type arguments, elements) holds it; no interfaces (those of float alone are dozens).</summary>
    private static bool ContainsVector512(ITypeSymbol? type) => type switch
    {
        null => false,
        _ when IsVector512Generic(type) => true,
        IArrayTypeSymbol array => ContainsVector512(array.ElementType),
        IPointerTypeSymbol pointer => ContainsVector512(pointer.PointedAtType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsVector512),
        _ => false,
    };

    private static bool IsVector512Generic(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Vector512", Arity: 1 } named && named.ContainingNamespace.ToDisplayString() == "System.Runtime.Intrinsics";

    private static bool IsVector512Static(ISymbol? type) =>
        type is INamedTypeSymbol { Name: "Vector512", Arity: 0 } named && named.ContainingNamespace.ToDisplayString() == "System.Runtime.Intrinsics";

    /// <summary>The intrinsic class of a platform-specific method (X86 or Arm), or null.</summary>
    private static INamedTypeSymbol? IntrinsicClass(ISymbol? symbol)
    {
        if (symbol is not IMethodSymbol { ContainingType: { } type })
        {
            return null;
        }

        string ns = type.ContainingNamespace.ToDisplayString();
        return ns is "System.Runtime.Intrinsics.X86" or "System.Runtime.Intrinsics.Arm" ? type : null;
    }

    private static string CapabilityName(INamedTypeSymbol type) => type.ToDisplayString().Replace("System.Runtime.Intrinsics.", "", StringComparison.Ordinal);

    /// <summary>Records the member's uses (guarded or not), its calls of scanned members, and delegate targets.</summary>
    private static void Collect(SemanticModel model, Member member, Dictionary<string, int> uses, HashSet<ISymbol> delegateTargets)
    {
        foreach (SyntaxNode node in member.Syntax.DescendantNodesAndSelf(n => n is not (AttributeListSyntax or TypeOfExpressionSyntax)))
        {
            if (node is not ExpressionSyntax expression || IsTypeOnly(model, expression) || InsideNameof(expression)
                || (expression.Parent is MemberAccessExpressionSyntax access && access.Name == expression))
            {
                continue; // not code, or the name part of a member access (the access itself is the operation)
            }

            ISymbol? symbol = model.GetSymbolInfo(expression).Symbol;
            if (expression is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression } addressOf
                && model.GetSymbolInfo(addressOf.Operand).Symbol is IMethodSymbol pointed)
            {
                delegateTargets.Add(pointed.OriginalDefinition);
            }

            if (symbol is IMethodSymbol group && expression is IdentifierNameSyntax or MemberAccessExpressionSyntax
                && expression.Parent is not InvocationExpressionSyntax
                && !(expression.Parent is MemberAccessExpressionSyntax ma && ma.Name == expression && ma.Parent is InvocationExpressionSyntax))
            {
                delegateTargets.Add(group.OriginalDefinition); // a method group converted to a delegate
            }

            foreach (string capability in Capabilities(model, expression, symbol))
            {
                uses[capability] = uses.GetValueOrDefault(capability) + 1;
                if (!IsGuarded(model, expression, capability, member.Syntax))
                {
                    if (!member.Unguarded.TryGetValue(capability, out List<SyntaxNode>? list))
                    {
                        member.Unguarded[capability] = list = [];
                    }

                    list.Add(expression);
                }
            }

            if (expression is InvocationExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax
                || (symbol is IPropertySymbol && expression is IdentifierNameSyntax or MemberAccessExpressionSyntax))
            {
                ISymbol? callee = symbol switch
                {
                    IMethodSymbol m => m.ReducedFrom ?? m,
                    IPropertySymbol p => p.GetMethod,
                    _ => null,
                };
                if (callee is not null && callee.DeclaringSyntaxReferences.Length > 0)
                {
                    var guardedFor = new HashSet<string>(StringComparer.Ordinal);
                    if (IsGuarded(model, expression, Vector512Capability, member.Syntax))
                    {
                        guardedFor.Add(Vector512Capability);
                    }

                    foreach (string capability in GuardsAround(model, expression, member.Syntax))
                    {
                        guardedFor.Add(capability);
                    }

                    member.Calls.Add((callee.OriginalDefinition, expression, guardedFor));
                }
            }
        }
    }

    /// <summary>The capabilities <paramref name="expression"/> itself uses (not its subexpressions).</summary>
    private static IEnumerable<string> Capabilities(SemanticModel model, ExpressionSyntax expression, ISymbol? symbol)
    {
        if (IntrinsicClass(symbol) is { } intrinsic && expression is InvocationExpressionSyntax)
        {
            yield return CapabilityName(intrinsic);
        }

        if (IsVector512Exempt(symbol))
        {
            yield break;
        }

        ITypeSymbol? type = model.GetTypeInfo(expression).Type;
        bool wide = IsVector512Generic(type)
            || (symbol is IMethodSymbol m && expression is InvocationExpressionSyntax
                && (IsVector512Static(m.ContainingType) || IsVector512Generic(m.ContainingType)
                    || m.Parameters.Any(p => MentionsVector512(p.Type)) || m.TypeArguments.Any(t => MentionsVector512(t))));
        if (wide && expression is not (ParenthesizedExpressionSyntax or MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax }))
        {
            yield return Vector512Capability;
        }
    }

    /// <summary>Vector512.IsHardwareAccelerated, Vector512&lt;T&gt;.Count / IsSupported: constants, not operations.</summary>
    private static bool IsVector512Exempt(ISymbol? symbol) =>
        symbol is IPropertySymbol { Name: "IsHardwareAccelerated" or "Count" or "IsSupported" } p
        && (IsVector512Static(p.ContainingType) || IsVector512Generic(p.ContainingType));

    private static bool IsTypeOnly(SemanticModel model, ExpressionSyntax expression) =>
        expression is TypeSyntax && model.GetSymbolInfo(expression).Symbol is ITypeSymbol or INamespaceSymbol;

    private static bool InsideNameof(SyntaxNode node) =>
        node.Ancestors().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is IdentifierNameSyntax { Identifier.Text: "nameof" });

    // ---- guards ----
}
