namespace NetGen.Tool.Import;

/// <summary>What NetGen's activations take as <c>Alpha =</c>, and which of them only Dense layers have.</summary>
internal static class Activations
{
    /// <summary>The parameter's default for the activations that take one, else null.</summary>
    public static float? DefaultAlpha(Activation activation) => activation switch
    {
        Activation.LeakyReLU => 0.01f,
        Activation.ELU or Activation.ISRU or Activation.ISRLU => 1f,
        _ => null,
    };

    /// <summary>Softmax and the per-unit rectifiers: NetGen has them on Dense layers only.</summary>
    public static bool DenseOnly(Activation activation) =>
        activation is Activation.Softmax or Activation.PReLU or Activation.RReLU or Activation.BipolarReLU;
}
