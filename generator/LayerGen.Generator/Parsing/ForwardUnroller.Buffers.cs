using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Parsing;

/// <summary>Buffers a forward assigns (<c>runningMean = ...</c>): values like a local's, written back when the forward ends.</summary>
internal sealed partial class ForwardUnroller
{
    /// <summary>
    /// Every buffer assigned anywhere in <paramref name="statements"/> (in a branch, in a loop): each starts as the buffer
    /// itself, so a branch that leaves it alone keeps it and one that assigns it is selected as a local's value is.
    /// </summary>
    private static IEnumerable<string> AssignedBuffers(IEnumerable<ForwardStatement> statements)
    {
        foreach (var statement in statements)
        {
            var inner = statement switch
            {
                AssignStatement { UpdatesBuffer: true } assign => new[] { assign.Name },
                IfStatement branch => AssignedBuffers(branch.Then.Concat(branch.Else)),
                ForStatement loop => AssignedBuffers(loop.Body),
                _ => Enumerable.Empty<string>(),
            };
            foreach (string name in inner)
            {
                yield return name;
            }
        }
    }
}
