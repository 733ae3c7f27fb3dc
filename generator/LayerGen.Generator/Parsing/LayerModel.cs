using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Everything the generator needs to know about one [Layer] class, as plain equatable data.
/// Nothing from Roslyn survives past the parser (STYLE.md, rule 2).
/// </summary>
/// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
/// <param name="ClassName">The class name.</param>
/// <param name="SizeParameters">The primary constructor's int parameters: the layer's symbolic sizes.</param>
/// <param name="Parameters">The [Parameter] tensors, in declaration order.</param>
/// <param name="Forward">The forward definition.</param>
/// <param name="Input">The declared input shape, or null to infer it.</param>
/// <param name="Children">Layers held in fields or properties, called in the forward definition as <c>child.Call(h)</c>.</param>
internal sealed record LayerModel(
    string Namespace,
    string ClassName,
    EquatableArray<string> SizeParameters,
    EquatableArray<ParameterModel> Parameters,
    ForwardModel Forward,
    DeclaredInput? Input,
    EquatableArray<ChildModel> Children)
{
    public string FullName => string.Join(".", new[] { Namespace }.Where(n => n.Length > 0).Concat(ContainingTypes.Select(t => t.Name)).Concat(new[] { ClassName }));

    /// <summary>The types the layer is nested in, outermost first (each partial, so the generated part can join it).</summary>
    public EquatableArray<ContainingType> ContainingTypes { get; init; } = EquatableArray<ContainingType>.Empty;

    /// <summary><c>&lt;T&gt;</c> for a generic layer (the generated part repeats it after the name), empty otherwise.</summary>
    public string TypeParameterList { get; init; } = string.Empty;

    /// <summary>
    /// Whether code anywhere in the assembly can name the layer's type: it and every type it is nested in are public or
    /// internal (not private or protected). The generated training step, outside the layer, names it.
    /// </summary>
    public bool ReachableFromAssembly { get; init; } = true;

    /// <summary>Whether the layer or a type it is nested in has type parameters: naming it takes a construction's type arguments.</summary>
    public bool IsGeneric => TypeParameterList.Length > 0 || ContainingTypes.Any(t => t.Declaration.EndsWith(">", System.StringComparison.Ordinal));

    /// <summary>
    /// The primary constructor's other parameters (<c>float dropout</c>, <c>double eps</c>, <c>bool useBias</c>), in
    /// declaration order: values every kernel receives when it runs.
    /// </summary>
    public EquatableArray<HyperparameterModel> Hyperparameters { get; init; } = EquatableArray<HyperparameterModel>.Empty;

    /// <summary>
    /// The constructor parameters the class's own members read (a <c>Forward</c> using <c>dropout</c> or <c>d</c>):
    /// C# keeps those in the object already, and warns (CS9124) when one also initialises a field, so the generated
    /// code reads them where they are instead of copying them.
    /// </summary>
    public EquatableArray<string> CapturedParameters { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Every primary-constructor parameter's name: the sizes, then the hyperparameters.</summary>
    public System.Collections.Generic.IEnumerable<string> ConstructorParameters =>
        System.Linq.Enumerable.Concat(SizeParameters, System.Linq.Enumerable.Select(Hyperparameters, h => h.Name));

    /// <summary>True for a [Loss]: two inputs (prediction, target) and a scalar result.</summary>
    public bool IsLoss { get; init; }

    /// <summary>
    /// The declared features of the inputs after the first, when <c>Input</c> declares several
    /// (<c>Input = "[*, numInputs]; [*, numHiddens]"</c>, one per input in order); empty otherwise.
    /// </summary>
    public EquatableArray<DeclaredInput> OtherInputs { get; init; } = EquatableArray<DeclaredInput>.Empty;

    /// <summary>Every input's declared features, in order, or null when <see cref="Input"/> declares none.</summary>
    public System.Collections.Generic.IReadOnlyList<DeclaredInput>? DeclaredInputs =>
        Input is null ? null : System.Linq.Enumerable.ToList(System.Linq.Enumerable.Concat(new[] { Input }, OtherInputs));

    /// <summary>
    /// The non-trainable tensor fields the forward may read: [Buffer]s and plain <c>Tensor</c> fields, in declaration
    /// order (<see cref="BufferReader"/>).
    /// </summary>
    public EquatableArray<BufferModel> Buffers { get; init; } = EquatableArray<BufferModel>.Empty;

    /// <summary>
    /// Sizes no constructor parameter gives and no use fixes (<see cref="Building.RunTimeFeatures"/>): a loss's classes
    /// in <c>Ops.Pick(Ops.LogSoftmax(yHat, -1), y)</c> with no declared input. They are among <see cref="SizeParameters"/>,
    /// and the glue reads each from the input at the call instead of from the constructor.
    /// </summary>
    public EquatableArray<string> RunTimeSizes { get; init; } = EquatableArray<string>.Empty;

    /// <summary>True when the layer's own source has syntax errors (the user is mid-edit).</summary>
    public bool SourceHasErrors { get; init; }
}

/// <summary>A primary-constructor parameter that is not a size: its name and C# type keyword (<c>float</c>, <c>double</c>, <c>bool</c>).</summary>
internal sealed record HyperparameterModel(string Name, string Type);

/// <summary>The input's feature dimensions as declared by <c>[Layer(Input = "[*, n]")]</c>.</summary>
internal sealed record DeclaredInput(EquatableArray<SizeRef> Features);

/// <summary>
/// A [Parameter] tensor: its member name, its shape read from the initialiser, that initialiser's text,
/// the public accessor to generate (<c>weight</c> → <c>Weight</c>; empty when the name is taken), and
/// whether it gets a setter (a writable field), which is how two layers share one tensor.
/// </summary>
internal sealed record ParameterModel(string Name, EquatableArray<SizeRef> Shape, string InitializerText, string AccessorName, bool Settable, LocationInfo? Location);

/// <summary>
/// A non-trainable tensor field: its name, its shape (from its initialiser), that initialiser's text, whether it is a
/// persistent [Buffer] (in the state dict, under <paramref name="StateName"/>) or a plain field (not saved).
/// </summary>
internal sealed record BufferModel(string Name, EquatableArray<SizeRef> Shape, string InitializerText, bool Persistent, string StateName, LocationInfo? Location);

/// <summary>A type a layer is nested in: its name and the declaration the generated part repeats (<c>partial class Outer</c>).</summary>
internal sealed record ContainingType(string Name, string Declaration);

/// <summary>
/// One dimension of a parameter's, the input's or a signature's shape: a constant, or a size expression of the layer's
/// size parameters written as text in its normal form (<c>n</c>, <c>n + m</c>, <c>d / heads</c>; see <see cref="Ir.SizeExpr"/>).
/// </summary>
internal readonly record struct SizeRef(int Value, string? Symbol)
{
    /// <summary>The size as written in a model: a constant, or the expression's text.</summary>
    public static SizeRef From(Ir.SizeExpr size) => size.IsConstant ? new SizeRef((int)size.ConstantValue, null) : new SizeRef(0, size.Text);

    /// <summary>The size as an expression of the layer's parameters (null for text that is not one).</summary>
    public Ir.SizeExpr? Size => Symbol is null ? Ir.SizeExpr.Constant(Value) : Ir.SizeExpr.Parse(Symbol);

    /// <summary>The dimension, with each size parameter's name written by <paramref name="name"/> (the kernels' names).</summary>
    public Ir.Dim ToDim(System.Func<string, string> name) => Symbol is null
        ? Ir.Dim.Const(Value)
        : Size is { } size ? Ir.Dim.Of(size.Rename(name)) : Ir.Dim.Sym(name(Symbol));

    public override string ToString() => Symbol ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The forward definition: <c>Tensor Forward(Tensor input)</c> with a body of <c>var</c> locals and one
/// returned expression (an expression body is a body with no locals).
/// </summary>
internal sealed record ForwardModel(
    string InputName,
    EquatableArray<LocalModel> Locals,
    Expr Result,
    LocationInfo? Location)
{
    /// <summary>For a loss: the target parameter's name.</summary>
    public string? TargetName { get; init; }

    /// <summary><c>x.Size(-1)</c> on an input nothing declares: placeholders Building replaces with the sizes the forward's uses fix.</summary>
    public EquatableArray<FeatureAxisRead> FeatureAxisReads { get; init; } = EquatableArray<FeatureAxisRead>.Empty;

    /// <summary>
    /// The body as written when its control flow reads sizes of the layer (<c>for (int t = 0; t &lt; numSteps; t++)</c>):
    /// unrolled by <see cref="ForwardUnroller.Resolve"/> once the constant constructions are known; until then
    /// <see cref="Locals"/> is empty and <see cref="Result"/> the returned expression as read. Empty otherwise (the parser unrolled it).
    /// </summary>
    public EquatableArray<ForwardStatement> Deferred { get; init; } = EquatableArray<ForwardStatement>.Empty;

    /// <summary>The sizes the unrolled control flow was resolved with (<c>numSteps = 5</c>): every instance must have these values.</summary>
    public EquatableArray<SizeRef> FixedSizes { get; init; } = EquatableArray<SizeRef>.Empty;

    /// <summary>
    /// The buffers the forward assigns (<c>runningMean = ...</c>), each with the local holding its last value once
    /// unrolled: the kernels write that value into the buffer when the forward ends. Empty when it assigns none.
    /// </summary>
    public EquatableArray<BufferUpdate> BufferUpdates { get; init; } = EquatableArray<BufferUpdate>.Empty;

    /// <summary>A layer's inputs after the first (<c>Forward(Tensor x, Tensor y)</c>: <c>y</c>), in order; empty for one input.</summary>
    public EquatableArray<string> OtherInputNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Every input's name, in the order <c>Forward</c> takes them (not a loss's target).</summary>
    public System.Collections.Generic.IEnumerable<string> AllInputNames =>
        System.Linq.Enumerable.Concat(new[] { InputName }, OtherInputNames);

    /// <summary>
    /// The results after the first when <c>Forward</c> returns a tuple (<c>(Tensor, Tensor) Forward(...)</c> returning
    /// <c>(output, state)</c>: <c>state</c>); empty for one result.
    /// </summary>
    public EquatableArray<Expr> OtherResults { get; init; } = EquatableArray<Expr>.Empty;

    /// <summary>Every result, in the order the tuple returns them.</summary>
    public System.Collections.Generic.IEnumerable<Expr> AllResults => System.Linq.Enumerable.Concat(new[] { Result }, OtherResults);

    /// <summary>
    /// True when <c>Forward</c> takes several tensors or returns several: the layer is an <c>IModule</c> with its own
    /// <c>Call(x, y, ...)</c>, not an <c>ILayer</c> (one tensor in, one out).
    /// </summary>
    public bool HasSeveralInputs => OtherInputNames.Count > 0 || OtherResults.Count > 0;

    /// <summary>For a tuple result: each element's name as the return type writes it (<c>(Tensor Output, Tensor State)</c>), "" where unnamed.</summary>
    public EquatableArray<string> OutputNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>True when <c>Forward</c> returns a tuple of tensors.</summary>
    public bool HasSeveralOutputs => OtherResults.Count > 0;

    /// <summary>How many tensors <c>Forward</c> returns, as its return type says (a tuple's length; 1 for <c>Tensor</c>).</summary>
    public int ResultCount { get; init; } = 1;

    /// <summary>
    /// This forward with its unrolled <paramref name="locals"/> and <paramref name="result"/>: a tuple result
    /// (<c>return (output, state);</c>) taken apart into <see cref="Result"/> and <see cref="OtherResults"/>. Null, with
    /// the problem reported, when what is returned does not match the return type.
    /// </summary>
    public ForwardModel? WithResults(EquatableArray<LocalModel> locals, Expr result, string layerName, System.Collections.Generic.List<Diagnostics.DiagnosticInfo> diagnostics)
    {
        if (ResultCount == 1 && result is not TupleExpr)
        {
            return this with { Locals = locals, Result = result };
        }

        if (result is TupleExpr tuple && tuple.Items.Count == ResultCount)
        {
            return this with { Locals = locals, Result = tuple.Items[0], OtherResults = System.Linq.Enumerable.Skip(tuple.Items, 1).ToEquatableArray() };
        }

        string why = ResultCount == 1
            ? "Forward returns one Tensor, so it returns one expression, not a tuple"
            : $"Forward returns {ResultCount} tensors, so it returns a tuple of them written out, e.g. 'return (output, state);'";
        diagnostics.Add(Diagnostics.DiagnosticInfo.Create(Diagnostics.DiagnosticDescriptors.UnsupportedExpression, result.Location, result.Text, layerName, why));
        return null;
    }
}

/// <summary>A buffer the forward assigns, and the local holding its value when the forward ends.</summary>
internal sealed record BufferUpdate(string Buffer, string Local);

/// <summary>A <c>var name = expression;</c> statement of the forward body.</summary>
internal sealed record LocalModel(string Name, Expr Value);

/// <summary>A construction of a layer with constant size arguments (<c>new MyLinear(64, 8)</c>).</summary>
internal sealed record ConstructionSite(string LayerFullName, EquatableArray<int> Sizes);

/// <summary>
/// A layer's shape contract in terms of its own size parameters: what it accepts and what it returns
/// (leading batch dimensions excluded).
/// </summary>
internal sealed record LayerSignature(
    string LayerFullName,
    EquatableArray<string> Sizes,
    EquatableArray<SizeRef> InputFeatures,
    EquatableArray<SizeRef> OutputFeatures)
{
    /// <summary>How many tensors the layer's <c>Forward</c> takes (<see cref="InputFeatures"/> are the first's).</summary>
    public int InputCount { get; init; } = 1;

    /// <summary>The features of the inputs after the first, for a layer of several inputs.</summary>
    public EquatableArray<EquatableArray<SizeRef>> OtherInputFeatures { get; init; } = EquatableArray<EquatableArray<SizeRef>>.Empty;

    /// <summary>How many tensors the layer's <c>Forward</c> returns (<see cref="OutputFeatures"/> are the first's).</summary>
    public int OutputCount { get; init; } = 1;

    /// <summary>The features of the outputs after the first, for a layer returning a tuple (a parent takes it apart).</summary>
    public EquatableArray<EquatableArray<SizeRef>> OtherOutputFeatures { get; init; } = EquatableArray<EquatableArray<SizeRef>>.Empty;

    /// <summary>The positions of the inputs that hold int64 ids (<c>Forward(Tensor ids) => weight[ids]</c>); empty for float inputs only.</summary>
    public EquatableArray<int> IdsInputs { get; init; } = EquatableArray<int>.Empty;

    /// <summary>
    /// The sizes nothing in the layer fixes, which it reads from its input at each call (<see cref="Building.RunTimeFeatures"/>):
    /// the last of <see cref="Sizes"/>, no constructor argument gives them, and a parent binds each from the axis of its
    /// argument where <see cref="InputFeatures"/> names it. Empty for most layers.
    /// </summary>
    public EquatableArray<string> RunTimeSizes { get; init; } = EquatableArray<string>.Empty;
}

/// <summary>
/// A child layer held in a field or property: its type, the sizes it is constructed with (in the
/// parent's terms; null when not a plain <c>new T(...)</c>), and its signature when its type comes
/// from another assembly (read from the generated <c>[LayerSignature]</c>).
/// </summary>
internal sealed record ChildModel(
    string Name,
    string TypeFullName,
    EquatableArray<SizeRef>? Arguments,
    LayerSignature? MetadataSignature,
    LocationInfo? Location)
{
    /// <summary>Whether the child's class is declared in this compilation (its signature then comes from its own compilation here).</summary>
    public bool DeclaredHere { get; init; }

    /// <summary>
    /// The child's type as C# code names it, with any type arguments (<c>global::Demo.Scaled&lt;global::Demo.Tag&gt;</c>);
    /// <see cref="TypeFullName"/> is the layer's name without them, which its signature and constructions go by.
    /// </summary>
    public string TypeName { get; init; } = string.Empty;
}
