using System.Linq;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// The built-in losses a user constructs are front classes (<c>CrossEntropyLoss</c>) over internal [Loss] kernels picked
/// by reduction. A construction with a constant number of classes and a constant reduction is a construction of that
/// kernel: <c>new CrossEntropyLoss(10)</c> constructs <c>CrossEntropyMeanKernel(10)</c>, so the generator emits that
/// kernel's constant-size specialisation into the user's assembly (<see cref="BuiltInKernelsReader"/>).
/// The losses without sizes (MseLoss, BceWithLogitsLoss, HuberLoss) have a single kernel already: nothing to specialise.
/// </summary>
internal static class BuiltInLossSites
{
    private const string CrossEntropyLoss = "LayerGen.CrossEntropyLoss";

    /// <summary>
    /// <c>new CrossEntropyLoss(n)</c> with an <c>n</c> known only at run time: it runs the run-time kernel (LG0012).
    /// <c>new CrossEntropyLoss()</c> is not one: it states no size, and learns its classes from the first call.
    /// </summary>
    public static bool HasRunTimeClasses(IObjectCreationOperation creation) =>
        creation.Type?.ToDisplayString() == CrossEntropyLoss
        && creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "classes") is { } classes
        && classes.Value.ConstantValue is not { HasValue: true, Value: int };

    /// <summary>The kernel construction <paramref name="creation"/> implies, or null when it is no such loss or a size or the reduction is not constant.</summary>
    public static ConstructionSite? Read(IObjectCreationOperation creation)
    {
        if (creation.Type?.ToDisplayString() != CrossEntropyLoss
            || creation.Constructor is null
            || creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "classes") is not { } classes
            || classes.Value.ConstantValue is not { HasValue: true, Value: int count }
            || count <= 0)
        {
            return null;
        }

        // Reduction.Mean is 0, Reduction.Sum 1; an omitted reduction is its default, Mean (a constant argument too).
        var reduction = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "reduction");
        string? kernel = reduction?.Value.ConstantValue switch
        {
            { HasValue: true, Value: 0 } => "LayerGen.Losses.CrossEntropyMeanKernel",
            { HasValue: true, Value: 1 } => "LayerGen.Losses.CrossEntropySumKernel",
            _ => null,
        };
        return kernel is null ? null : new ConstructionSite(kernel, new[] { count }.ToEquatableArray());
    }
}
