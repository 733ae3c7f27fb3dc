using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Finds the child layers of a [Layer] class: fields and properties (not [Parameter]) whose type is a
/// layer, with the sizes they are constructed with, so their shapes can be checked at compile time.
/// </summary>
internal static class ChildReader
{
    private const string LayerInterface = "LayerGen.ILayer";

    /// <summary>What every module implements, a layer with several inputs included: such a child is held (parameters, mode) though not chained.</summary>
    private const string ModuleInterface = "LayerGen.IModule";
    private const string SignatureAttribute = "LayerGen.Generated.LayerSignatureAttribute";

    public static List<ChildModel> Read(INamedTypeSymbol type, SemanticModel semanticModel, List<string> sizes, CancellationToken cancellationToken)
    {
        var children = new List<ChildModel>();
        foreach (var member in type.GetMembers())
        {
            var memberType = member switch
            {
                IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field => field.Type,
                IPropertySymbol { IsStatic: false, IsImplicitlyDeclared: false } property => property.Type,
                _ => null,
            };
            if (memberType is not INamedTypeSymbol childType || !IsLayer(childType)
                || member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "LayerGen.ParameterAttribute"))
            {
                continue;
            }

            var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            if (syntax is PropertyDeclarationSyntax declaredProperty && IsComputed(declaredProperty))
            {
                continue; // 'public Linear First => fc1;' shows a child held elsewhere: not a child of its own (torch registers modules, not views)
            }

            var initializer = syntax switch
            {
                VariableDeclaratorSyntax v => v.Initializer?.Value,
                PropertyDeclarationSyntax p => p.Initializer?.Value,
                _ => null,
            };

            EquatableArray<SizeRef>? arguments = null;
            if (initializer is not null)
            {
                var model = semanticModel.SyntaxTree == initializer.SyntaxTree ? semanticModel : semanticModel.Compilation.GetSemanticModel(initializer.SyntaxTree);
                arguments = ReadArguments(model.GetOperation(initializer, cancellationToken), sizes);
            }

            // A child of a generic layer class (Scaled<Tag> s = new(4)) goes by the layer's own name, without type arguments,
            // as its model, signature and constructions do (its kernels serve every type argument); the kernels' parameter
            // that receives it spells the type as declared.
            children.Add(new ChildModel(
                member.Name,
                TypeParameters.LayerFullName(childType),
                arguments,
                SignatureOf(childType),
                LocationInfo.From(member.Locations.FirstOrDefault() ?? Location.None))
            {
                DeclaredHere = childType.DeclaringSyntaxReferences.Length > 0,
                TypeName = childType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            });
        }

        return children;
    }

    /// <summary>A property with a body (<c>=&gt; fc1</c>, <c>get { return fc1; }</c>) holds nothing itself; an auto-property does.</summary>
    private static bool IsComputed(PropertyDeclarationSyntax property) =>
        property.ExpressionBody is not null
        || property.AccessorList?.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null) == true;

    private static bool IsLayer(INamedTypeSymbol type) =>
        type.ToDisplayString() is LayerInterface or ModuleInterface
        || type.AllInterfaces.Any(i => i.ToDisplayString() is LayerInterface or ModuleInterface)
        || type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == LayerParser.LayerAttributeName);

    /// <summary>The sizes of <c>new Child(a, b)</c>: constants, the parent's size parameters or sizes computed from them, by constructor position.</summary>
    private static EquatableArray<SizeRef>? ReadArguments(IOperation? operation, List<string> sizes)
    {
        if (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        if (operation is not IObjectCreationOperation { Constructor: { } constructor } creation)
        {
            return null;
        }

        // Only the child's int parameters are sizes (its signature's); its hyperparameters do not shape it.
        var sizeOrdinals = constructor.Parameters.Where(p => p.Type.SpecialType == SpecialType.System_Int32).Select(p => p.Ordinal).ToList();
        var result = new SizeRef[sizeOrdinals.Count];
        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter is null)
            {
                return null;
            }

            int at = sizeOrdinals.IndexOf(argument.Parameter.Ordinal);
            if (at < 0)
            {
                continue;
            }

            if (argument.Value.ConstantValue is { HasValue: true, Value: int value })
            {
                result[at] = new SizeRef(value, null);
            }
            else if (argument.Value is IParameterReferenceOperation reference && sizes.Contains(reference.Parameter.Name))
            {
                result[at] = new SizeRef(0, reference.Parameter.Name);
            }
            else if (argument.Value.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax syntax && argument.Value.SemanticModel is { } model
                && SizeReader.Read(syntax, model, sizes, default, out _) is { } size)
            {
                // new Linear(numInputs + numHiddens, numHiddens): a size computed from the parent's.
                result[at] = SizeRef.From(size);
            }
            else
            {
                return null;
            }
        }

        return result.ToEquatableArray();
    }

    /// <summary>The <c>[LayerSignature]</c> the generator wrote on a layer compiled in another assembly.</summary>
    public static LayerSignature? SignatureOf(INamedTypeSymbol type)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SignatureAttribute);
        if (attribute is null || attribute.ConstructorArguments.Length != 3
            || attribute.ConstructorArguments[0].Value is not string sizesText
            || attribute.ConstructorArguments[1].Value is not string inputText
            || attribute.ConstructorArguments[2].Value is not string outputText)
        {
            return null;
        }

        var sizes = sizesText.Split(new[] { ',' }, System.StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).ToList();
        // A layer with several inputs writes one shape per input, separated by ';'; an input of ids is marked 'ids [*]'.
        var inputs = inputText.Split(';').Select(s => s.Trim()).ToArray();
        var ids = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].StartsWith("ids ", System.StringComparison.Ordinal)).ToEquatableArray();
        inputs = inputs.Select(s => s.StartsWith("ids ", System.StringComparison.Ordinal) ? s.Substring(4) : s).ToArray();
        var input = ShapeText.ParseFeatures(inputs[0], sizes);
        var others = new List<EquatableArray<SizeRef>>();
        foreach (string other in inputs.Skip(1))
        {
            if (ShapeText.ParseFeatures(other, sizes) is not { } features)
            {
                return null;
            }

            others.Add(features.ToEquatableArray());
        }

        var outputs = outputText.Split(';');
        var output = ShapeText.ParseFeatures(outputs[0], sizes);
        var otherOutputs = new List<EquatableArray<SizeRef>>();
        foreach (string other in outputs.Skip(1))
        {
            if (ShapeText.ParseFeatures(other.Trim(), sizes) is not { } features)
            {
                return null;
            }

            otherOutputs.Add(features.ToEquatableArray());
        }

        // Sizes no constructor argument gives (a layer whose features nothing fixes): a parent binds them from what it passes.
        var runTimeSizes = attribute.NamedArguments.FirstOrDefault(a => a.Key == "RunTimeSizes").Value.Value is string runTimeText
            ? runTimeText.Split(new[] { ',' }, System.StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).ToEquatableArray()
            : EquatableArray<string>.Empty;
        if (runTimeSizes.Any(s => !sizes.Contains(s)))
        {
            return null;
        }

        return input is null || output is null
            ? null
            : new LayerSignature(TypeParameters.LayerFullName(type), sizes.ToEquatableArray(), input.ToEquatableArray(), output.ToEquatableArray())
            {
                InputCount = inputs.Length, OutputCount = outputs.Length, OtherInputFeatures = others.ToEquatableArray(), IdsInputs = ids, OtherOutputFeatures = otherOutputs.ToEquatableArray(),
                RunTimeSizes = runTimeSizes,
            };
    }
}
