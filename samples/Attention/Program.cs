// D2L's attention chapter as LayerGen layers (Layers.cs): every call below runs the forward and backward kernels the
// generator emitted for them (see obj/.../generated/).
using System;
using Attention;

return AttentionDemo.Run(Console.Out) ? 0 : 1;
