using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Reads the leaves of a fused chain inside a loop over <c>outer × inner</c>, as Lowering placed them
/// (<see cref="LoopChoice.Operands"/>): hoisted operands are declared as locals named after their buffer
/// (<c>biasValue</c>, and <c>biasVector</c> as a vector; Lowering keeps those names free), the others are loaded at
/// their broadcast index.
/// </summary>
internal sealed class Operands
{
    private readonly KernelPlan _plan;
    private readonly LoopChoice _choice;
    private readonly Shape _loop;
    private readonly Dictionary<int, string> _hoistedName = new();

    public Operands(KernelPlan plan, LoopChoice choice, Shape loop)
    {
        _plan = plan;
        _choice = choice;
        _loop = loop;
        foreach (var operand in choice.Operands)
        {
            // Two views of one buffer read in one loop (rare) cannot share a name: the second is an emitter temporary.
            string name = BufferOf(operand.Leaf).Name;
            _hoistedName[operand.Leaf] = _hoistedName.ContainsValue(name) ? "s" + operand.Leaf : name;
        }
    }

    public string InnerCode => _loop.Rank == 0 ? "1" : _loop.Last.Code;

    public string OuterCode => _loop.Rank <= 1 ? "1" : Shape.ProductCode(_loop.Dims.Take(_loop.Rank - 1));

    public string Name(int leaf) => BufferOf(leaf).Name;

    /// <summary>Declares the operands read once for the whole loop (vectors too when the loop has the vector tier).</summary>
    public void HoistSingles(SourceWriter writer) => Hoist(writer, OperandHoist.OncePerLoop, "0");

    /// <summary>Declares the operands read once per outer index <c>o</c>.</summary>
    public void HoistPerOuter(SourceWriter writer, string o) => Hoist(writer, OperandHoist.OncePerRow, o);

    /// <summary>Code reading <paramref name="leaf"/> at outer index <paramref name="o"/>, inner index <paramref name="c"/>.</summary>
    public string Read(int leaf, bool vector, string o, string c) => Read(leaf, vector ? Lanes.Vector : Lanes.Scalar, o, c);

    /// <summary>As <see cref="Read(int, bool, string, string)"/>, <paramref name="lanes"/> elements at once.</summary>
    public string Read(int leaf, Lanes lanes, string o, string c)
    {
        var operand = _choice.Operand(leaf);
        return operand.ReadHoisted ? Hoisted(leaf, lanes) : lanes.Load(Name(leaf), operand.Access.IndexCode(o, c, InnerCode));
    }

    // A hoisted operand: biasValue, its vector biasVector, or broadcast in the wide loop (the JIT hoists that).
    private string Hoisted(int leaf, Lanes lanes) => lanes switch
    {
        Lanes.Scalar => ScalarName(leaf),
        Lanes.Vector => VectorName(leaf),
        _ => lanes.Broadcast(ScalarName(leaf)),
    };

    private string ScalarName(int leaf) => _hoistedName[leaf] + (_hoistedName[leaf] == "s" + leaf ? string.Empty : "Value");

    private string VectorName(int leaf) => _hoistedName[leaf] == "s" + leaf ? "v" + leaf : _hoistedName[leaf] + "Vector";

    /// <summary>Code reading <paramref name="leaf"/> in a flat loop at index <paramref name="i"/>.</summary>
    public string ReadFlat(int leaf, bool vector, string i) => ReadFlat(leaf, vector ? Lanes.Vector : Lanes.Scalar, i);

    /// <summary>As <see cref="ReadFlat(int, bool, string)"/>, <paramref name="lanes"/> elements at once.</summary>
    public string ReadFlat(int leaf, Lanes lanes, string i) =>
        _choice.Operand(leaf).ReadHoisted ? Hoisted(leaf, lanes) : lanes.Load(Name(leaf), i);

    /// <summary>Code reading <paramref name="leaf"/> at loop coordinates <paramref name="coordinates"/>, for any broadcast.</summary>
    public string ReadGeneral(int leaf, IReadOnlyList<string> coordinates) =>
        $"{Name(leaf)}[{GeneralIndex(BufferOf(leaf).Shape, _loop, coordinates)}]";

    /// <summary>The flat index into a tensor of shape <paramref name="operand"/> broadcast against <paramref name="loop"/>.</summary>
    public static string GeneralIndex(Shape operand, Shape loop, IReadOnlyList<string> coordinates)
    {
        var aligned = Enumerable.Repeat(Dim.One, loop.Rank - operand.Rank).Concat(operand.Dims).ToArray();
        var terms = new List<string>();
        for (int d = 0; d < loop.Rank; d++)
        {
            if (aligned[d].IsOne)
            {
                continue;
            }

            var after = aligned.Skip(d + 1).Where(x => !x.IsOne).ToList();
            terms.Add(after.Count == 0 ? coordinates[d] : $"{coordinates[d]} * {Shape.ProductCode(after)}");
        }

        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }

    private Buffer BufferOf(int leaf) => _plan.Buffers[leaf];

    private void Hoist(SourceWriter writer, OperandHoist where, string index)
    {
        foreach (var operand in _choice.Operands.Where(o => o.Hoist == where))
        {
            writer.Line($"float {ScalarName(operand.Leaf)} = {Name(operand.Leaf)}[{index}];");
            if (_choice.Vector)
            {
                writer.Line($"var {VectorName(operand.Leaf)} = new Vector<float>({ScalarName(operand.Leaf)});");
            }
        }
    }
}
