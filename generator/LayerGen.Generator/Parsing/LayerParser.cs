using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads a [Layer] class into a <see cref="LayerModel"/>: its size parameters, its [Parameter]
/// tensors and their shapes, and its forward definition. Never throws on user code: anything it
/// cannot read becomes a diagnostic on the offending syntax.
/// </summary>
internal static class LayerParser
{
    public const string LayerAttributeName = "LayerGen.LayerAttribute";
    public const string LossAttributeName = "LayerGen.LossAttribute";
    private const string ParameterAttributeName = "LayerGen.ParameterAttribute";

    /// <param name="context">The attributed class.</param>
    /// <param name="isLoss">True for a [Loss] class: <c>Forward(Tensor input, Tensor target)</c> returning a scalar.</param>
    /// <param name="cancellationToken">Cancels the parse.</param>
    public static ParsedLayer Parse(GeneratorAttributeSyntaxContext context, bool isLoss, CancellationToken cancellationToken) =>
        SemanticMemo.GetOrRead(
            context.TargetNode,
            isLoss ? "[Loss]" : "[Layer]",
            context.SemanticModel.Compilation,
            context.TargetSymbol.DeclaringSyntaxReferences.Select(r => (r.SyntaxTree, r.Span)).ToArray(),
            () => OuterNames.Of(context.TargetSymbol, cancellationToken),
            () => new ParsedLayer(ParseModel(context, isLoss, cancellationToken), AnchorsOf(context, cancellationToken)));

    /// <summary>Where each declaration of the class starts (a partial class may have several, in several files).</summary>
    private static EquatableArray<SourceAnchor> AnchorsOf(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<BaseTypeDeclarationSyntax>()
            .Append(context.TargetNode as BaseTypeDeclarationSyntax)
            .Where(d => d is not null)
            .Select(d => SourceAnchor.Of(d!))
            .Distinct()
            .ToEquatableArray();

    private static Result<LayerModel> ParseModel(GeneratorAttributeSyntaxContext context, bool isLoss, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            var model = TryParse(context, isLoss, diagnostics, cancellationToken);
            return new Result<LayerModel>(model, diagnostics.ToEquatableArray());
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // The generator must never take the build or the IDE down; a bug here becomes a diagnostic.
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.From(context.TargetNode), context.TargetSymbol.Name, InternalError.Describe(e)));
            return new Result<LayerModel>(null, diagnostics.ToEquatableArray());
        }
    }

    private static LayerModel? TryParse(GeneratorAttributeSyntaxContext context, bool isLoss, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        // A struct, record struct or interface never gets here: the attribute's usage is Class, and the
        // compiler's CS0592 on the attribute says a layer must be a class. A record class does.
        if (context.TargetNode is not (ClassDeclarationSyntax or RecordDeclarationSyntax) || context.TargetSymbol is not INamedTypeSymbol type
            || context.TargetNode is RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: (int)SyntaxKind.StructKeyword })
        {
            return null;
        }

        var declaration = (TypeDeclarationSyntax)context.TargetNode;

        // [Layer] on several partial declarations of one class: the first one speaks for the class
        // (the compiler reports the duplicate attribute itself).
        var firstWithAttribute = type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<TypeDeclarationSyntax>()
            .Where(c => c.AttributeLists.Count > 0)
            .OrderBy(c => c.SyntaxTree.FilePath, System.StringComparer.Ordinal)
            .ThenBy(c => c.SpanStart)
            .FirstOrDefault();
        if (firstWithAttribute is not null && firstWithAttribute != declaration)
        {
            return null;
        }

        // Half-typed code (no class name yet, a keyword as a name): nothing sensible to emit; the compiler speaks.
        if (declaration.Identifier.IsMissing || declaration.Identifier.ValueText.Length == 0)
        {
            return null;
        }

        var nameLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        string attribute = isLoss ? "[Loss]" : "[Layer]";
        if (declaration is RecordDeclarationSyntax)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedLayerDeclaration,
                nameLocation,
                attribute + " record",
                type.Name,
                "a layer must be a (non-static, partial) class, not a record: a record adds value equality and copying ('with'), "
                + "which a layer holding tensors must not have (two layers would be equal when they hold the same tensors, "
                + $"a copy would share the original's parameters); declare it 'partial class {type.Name}'"));
            return null;
        }

        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedLayerDeclaration,
                nameLocation,
                attribute + " class",
                type.Name,
                "a layer must be a (non-static, partial) class: it is an object, constructed with its sizes and holding "
                + "its parameters and mode, so it cannot be static; remove 'static'"));
            return null;
        }

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNotPartial, nameLocation, type.Name));
            return null;
        }

        var containingTypes = ContainingTypes(type, out string? nestingProblem);
        if (nestingProblem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLayerDeclaration, nameLocation, attribute + " class", type.Name, nestingProblem));
            return null;
        }

        var hyperparameters = new List<HyperparameterModel>();
        var sizes = ReadSizeParameters(type, declaration, attribute, hyperparameters, diagnostics);
        if (sizes is null)
        {
            return null;
        }

        var input = ReadDeclaredInput(context, type, attribute, sizes, diagnostics);
        var parameters = ReadParameters(type, context.SemanticModel, sizes, diagnostics, cancellationToken);
        // Every [Parameter] member is a known name in the forward, even one whose shape could not be
        // read (that is reported once, as LG0004, not again as an unknown name).
        var parameterNames = new HashSet<string>(type.GetMembers()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ParameterAttributeName))
            .Select(m => m.Name));
        var children = ChildReader.Read(type, context.SemanticModel, sizes, cancellationToken);
        var buffers = BufferReader.Read(type, context.SemanticModel, sizes, diagnostics, cancellationToken);
        // A forward reads a buffer as it reads a parameter (a leaf of the graph), so both are names it knows; so is a
        // [Buffer] whose shape could not be read (reported once, as LG0004).
        var leafNames = new HashSet<string>(parameterNames.Concat(buffers.Select(b => b.Name)).Concat(BufferReader.AttributedNames(type)));

        var forwardMethod = type.GetMembers("Forward").OfType<IMethodSymbol>()
            .FirstOrDefault(m => (isLoss ? m.Parameters.Length == 2 : m.Parameters.Length >= 1) && !m.IsStatic);
        var forwardSyntax = forwardMethod?.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
        if (forwardMethod is null || forwardSyntax is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(isLoss ? DiagnosticDescriptors.MissingLossForward : DiagnosticDescriptors.MissingForward, nameLocation, type.Name));
            return null;
        }

        var forwardModel = context.SemanticModel.SyntaxTree == forwardSyntax.SyntaxTree
            ? context.SemanticModel
            : context.SemanticModel.Compilation.GetSemanticModel(forwardSyntax.SyntaxTree);
        if (!TypeParameters.CheckUnused(type, forwardSyntax, forwardModel, diagnostics, cancellationToken))
        {
            return null; // a generic layer whose Forward (or a child) depends on a type argument
        }

        var forward = ForwardParser.Parse(type.Name, forwardMethod, forwardSyntax, forwardModel, leafNames, new HashSet<string>(children.Select(c => c.Name)), sizes.Concat(hyperparameters.Select(h => h.Name)).ToList(), diagnostics, cancellationToken, isLoss, input?.Select(d => (IReadOnlyList<SizeRef>)d.Features).ToList());
        if (forward is null || diagnostics.Count > 0)
        {
            return null;
        }

        if (input is not null && !isLoss && input.Count != forward.OtherInputNames.Count + 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedLayerDeclaration,
                DeclaredInputLocation(context),
                attribute + " class",
                type.Name,
                $"Input declares {input.Count} shape(s) but Forward takes {forward.OtherInputNames.Count + 1} input(s) ({string.Join(", ", forward.AllInputNames)}); declare one per input, in order, separated by ';', e.g. Input = \"[*, n]; [*, m]\""));
            return null;
        }

        return new LayerModel(
            type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            sizes.ToEquatableArray(),
            parameters.ToEquatableArray(),
            forward,
            input?[0],
            children.ToEquatableArray())
        {
            OtherInputs = input is null ? EquatableArray<DeclaredInput>.Empty : input.Skip(1).ToEquatableArray(),
            IsLoss = isLoss,
            ContainingTypes = containingTypes.ToEquatableArray(),
            TypeParameterList = TypeParameters.List(type),
            ReachableFromAssembly = TypeParameters.ReachableFromAssembly(type),
            Hyperparameters = hyperparameters.ToEquatableArray(),
            Buffers = buffers.ToEquatableArray(),
            CapturedParameters = CapturedParameters(type, context.SemanticModel.Compilation, cancellationToken).ToEquatableArray(),
            SourceHasErrors = declaration.SyntaxTree.GetDiagnostics(cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error),
        };
    }

    /// <summary>
    /// Reads <c>[Layer(Input = "[*, n]")]</c>, one shape per input separated by ';' for a layer with several
    /// (<c>Input = "[*, numInputs]; [*, numHiddens]"</c>); null when absent.
    /// </summary>
    private static List<DeclaredInput>? ReadDeclaredInput(GeneratorAttributeSyntaxContext context, INamedTypeSymbol type, string attributeName, List<string> sizes, List<DiagnosticInfo> diagnostics)
    {
        var attribute = context.Attributes.FirstOrDefault();
        var argument = attribute?.NamedArguments.FirstOrDefault(a => a.Key == "Input");
        if (attribute is null || argument?.Key is null || argument.Value.Value.Value is not string text)
        {
            return null;
        }

        var result = new List<DeclaredInput>();
        foreach (string shape in text.Split(';'))
        {
            var features = ShapeText.ParseFeatures(shape, sizes);
            if (features is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedLayerDeclaration,
                    DeclaredInputLocation(context),
                    attributeName + " class",
                    type.Name,
                    $"Input = \"{text}\" must be '*' (the batch) followed by positive constants, int primary-constructor parameters or sizes computed from them with + - * / %, e.g. \"[*, n]\" or \"[*, n + m]\" (one such shape per input, separated by ';')"));
                return null;
            }

            result.Add(new DeclaredInput(features.ToEquatableArray()));
        }

        return result;
    }

    private static LocationInfo? DeclaredInputLocation(GeneratorAttributeSyntaxContext context) =>
        LocationInfo.From(context.Attributes.FirstOrDefault()?.ApplicationSyntaxReference?.GetSyntax() ?? context.TargetNode);

    /// <summary>
    /// The primary constructor's parameters: its <c>int</c>s are the layer's sizes (returned); its <c>float</c>,
    /// <c>double</c> and <c>bool</c>s are hyperparameters (added to <paramref name="hyperparameters"/>).
    /// </summary>
    private static List<string>? ReadSizeParameters(INamedTypeSymbol type, TypeDeclarationSyntax declaration, string attribute, List<HyperparameterModel> hyperparameters, List<DiagnosticInfo> diagnostics)
    {
        var primary = type.InstanceConstructors.FirstOrDefault(c =>
            c.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is ClassDeclarationSyntax or RecordDeclarationSyntax));
        var result = new List<string>();
        if (primary is null)
        {
            bool hasOtherConstructor = type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared && c.Parameters.Length > 0);
            if (hasOtherConstructor)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedLayerDeclaration,
                    LocationInfo.From(declaration.Identifier.GetLocation()),
                    attribute + " class",
                    type.Name,
                    "sizes must come from a primary constructor, e.g. 'partial class MyLinear(int inUnits, int units)'"));
                return null;
            }

            return result;
        }

        foreach (var parameter in primary.Parameters)
        {
            if (parameter.Name.Length == 0 || !SyntaxFacts.IsValidIdentifier(parameter.Name) || SyntaxFacts.GetKeywordKind(parameter.Name) != SyntaxKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedLayerDeclaration,
                    LocationInfo.From(parameter.Locations.FirstOrDefault() ?? Location.None),
                    attribute + " class",
                    type.Name,
                    $"the size parameter '{parameter.Name}' needs a plain name (not a keyword)"));
                return null;
            }

            switch (parameter.Type.SpecialType)
            {
                case SpecialType.System_Int32 when parameter.RefKind == RefKind.None:
                    result.Add(parameter.Name);
                    break;
                case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Boolean when parameter.RefKind == RefKind.None:
                    hyperparameters.Add(new HyperparameterModel(parameter.Name, parameter.Type.ToDisplayString()));
                    break;
                case SpecialType.None when parameter.Type.TypeKind == TypeKind.Enum && parameter.RefKind == RefKind.None:
                    // An enum hyperparameter (PyTorch's nonlinearity='relu'): compared with its members in conditions.
                    hyperparameters.Add(new HyperparameterModel(parameter.Name, parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
                    break;
                default:
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.UnsupportedLayerDeclaration,
                        LocationInfo.From(parameter.Locations.FirstOrDefault() ?? Location.None),
                        attribute + " class",
                        type.Name,
                        $"primary constructor parameter '{parameter.Name}' must be an int size or a float, double, bool or enum hyperparameter, passed by value"));
                    return null;
            }
        }

        return result;
    }

    /// <summary>
    /// The primary-constructor parameters read outside initialisers (in a method, a property, a lambda of a member):
    /// the compiler captures those into the object.
    /// </summary>
    private static List<string> CapturedParameters(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var primary = type.InstanceConstructors.FirstOrDefault(c =>
            c.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is ClassDeclarationSyntax));
        var names = new HashSet<string>(primary?.Parameters.Select(p => p.Name) ?? Enumerable.Empty<string>());
        var captured = new SortedSet<string>(System.StringComparer.Ordinal);
        if (names.Count == 0)
        {
            return captured.ToList();
        }

        foreach (var declaration in type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>())
        {
            var model = compilation.GetSemanticModel(declaration.SyntaxTree);
            foreach (var member in declaration.Members.Where(m => m is not (FieldDeclarationSyntax or BaseTypeDeclarationSyntax)))
            {
                // A property's initialiser runs in the constructor, as a field's does; its accessors do not.
                var code = member is PropertyDeclarationSyntax property
                    ? (SyntaxNode?)property.AccessorList ?? property.ExpressionBody
                    : member;
                foreach (var identifier in code?.DescendantNodes().OfType<IdentifierNameSyntax>() ?? Enumerable.Empty<IdentifierNameSyntax>())
                {
                    if (names.Contains(identifier.Identifier.ValueText)
                        && model.GetSymbolInfo(identifier, cancellationToken).Symbol is IParameterSymbol parameter
                        && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, primary))
                    {
                        captured.Add(parameter.Name);
                    }
                }
            }
        }

        return captured.ToList();
    }

    /// <summary>Members the generator adds to every layer or loss; a parameter accessor must not take their names.</summary>
    private static readonly HashSet<string> GeneratedMemberNames = new()
    {
        "LayerName", "KernelName", "Call", "CallEager", "LocalParameters", "NamedChildren", "InputRowLength", "OutputRowLength",
        "SavedLength", "ForwardSpan", "BackwardSpan", "ZeroGrad", "Training", "Train", "LossName", "TargetRowLength", "Forward",
    };

    /// <summary>
    /// Types the generated code calls static members of (<c>Vector.Sum</c>, <c>KernelMath.Load</c>, …): inside
    /// the layer an accessor of the same name would shadow them (a parameter <c>vector</c> once broke the
    /// build this way), so such a parameter gets no accessor.
    /// </summary>
    private static readonly HashSet<string> TypeNamesInGeneratedCode = new()
    {
        "Vector", "KernelMath", "SpanChecks", "CheckedMode", "FourierKernels", "Gemm", "LayerRuntime", "Tensor", "Ops", "Math", "MathF",
    };

    /// <summary><c>weight</c> or <c>_weight</c> → <c>Weight</c>, unless the type already has a member of that name.</summary>
    private static string AccessorName(INamedTypeSymbol type, string name)
    {
        string trimmed = name.TrimStart('_');
        if (trimmed.Length == 0 || !char.IsLower(trimmed[0]))
        {
            return string.Empty;
        }

        string accessor = char.ToUpperInvariant(trimmed[0]) + trimmed.Substring(1);
        bool taken = !type.GetMembers(accessor).IsEmpty || accessor == type.Name || GeneratedMemberNames.Contains(accessor) || TypeNamesInGeneratedCode.Contains(accessor);
        return taken ? string.Empty : accessor;
    }

    /// <summary>
    /// The types a layer is nested in, outermost first. The generated part of the layer is nested in a part of
    /// each of them, so each must be partial; a generic one repeats its type parameters (the layer is then generic too).
    /// </summary>
    private static List<ContainingType> ContainingTypes(INamedTypeSymbol type, out string? problem)
    {
        var result = new List<ContainingType>();
        problem = null;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var declarations = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().ToList();
            if (declarations.Count == 0 || declarations.Any(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                problem = $"it is nested in '{outer.Name}', which must be declared 'partial' too, so the generated part of the layer can be nested in it";
                return result;
            }

            var first = declarations[0];
            string keyword = first is RecordDeclarationSyntax record
                ? "record" + (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? " struct" : string.Empty)
                : first.Keyword.ValueText;
            string modifiers = outer.IsStatic ? "static partial" : "partial";
            result.Insert(0, new ContainingType(outer.Name, $"{modifiers} {keyword} {outer.Name}{TypeParameters.List(outer)}"));
        }

        return result;
    }

    private static List<ParameterModel> ReadParameters(
        INamedTypeSymbol type,
        SemanticModel semanticModel,
        List<string> sizes,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var result = new List<ParameterModel>();
        foreach (var member in type.GetMembers())
        {
            if (member is not (IFieldSymbol or IPropertySymbol) || member.IsImplicitlyDeclared)
            {
                continue;
            }

            if (!member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ParameterAttributeName))
            {
                continue;
            }

            var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            var location = LocationInfo.From(member.Locations.FirstOrDefault() ?? Location.None);
            if (member.Name.Length == 0 || SyntaxFacts.GetKeywordKind(member.Name) != SyntaxKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownParameterShape, location, member.Name, "a parameter needs a plain name (not a keyword)"));
                continue;
            }

            var memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
            if (memberType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString() != "LayerGen.Tensor")
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnknownParameterShape,
                    location,
                    member.Name,
                    $"a parameter must be declared as a 'Tensor', not '{memberType.ToDisplayString()}'; write e.g. '[Parameter] Tensor {member.Name} = Tensor.Randn(n);'"));
                continue;
            }

            var initializer = syntax switch
            {
                VariableDeclaratorSyntax v => v.Initializer?.Value,
                PropertyDeclarationSyntax p => p.Initializer?.Value,
                _ => null,
            };

            if (initializer is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnknownParameterShape,
                    location,
                    member.Name,
                    "it has no initialiser; write e.g. 'Tensor.Randn(inUnits, units)'"));
                continue;
            }

            var model = semanticModel.SyntaxTree == initializer.SyntaxTree
                ? semanticModel
                : semanticModel.Compilation.GetSemanticModel(initializer.SyntaxTree);
            var shape = ParameterShapeReader.Read(initializer, model, sizes, out string? problem);
            if (shape is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnknownParameterShape,
                    LocationInfo.From(initializer),
                    member.Name,
                    problem ?? "unrecognised initialiser"));
                continue;
            }

            result.Add(new ParameterModel(member.Name, shape.ToEquatableArray(), ForwardParser.Shorten(initializer.ToString()), AccessorName(type, member.Name), member is IFieldSymbol { IsReadOnly: false }, location));
        }

        return result;
    }
}
