using NetGen;

// Autoencoders ([Autoencoder]): trained to reproduce their inputs through a named code layer.

namespace NetGen.Tests.Networks;

/// <summary>16 → 8 → 3 (the code) → 8 → 16: small enough to learn a few patterns in a blink.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Autoencoder("code")]
[Input(4, 4)]
[Flatten]
[Dense(8, Activation.Tanh, Name = "enc")]
[Dense(3, Name = "code")]
[Dense(8, Activation.Tanh, Name = "dec")]
[Dense(16, Activation.Sigmoid, Name = "out")]
public partial class TinyAutoencoder;

/// <summary>
/// Batch norm below the code and dropout right after it (a pass of its own: nothing fuses into the code layer), so that
/// Encode and Decode must run in inference mode to compose into Predict.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Autoencoder("code")]
[Input(16)]
[Dense(8, Activation.Tanh, Name = "enc")]
[BatchNorm(Name = "norm")]
[Dense(3, Activation.Tanh, Name = "code")]
[Dropout(0.3, Name = "drop")]
[Dense(8, Activation.Tanh, Name = "dec")]
[Dense(16, Activation.Sigmoid, Name = "out")]
public partial class RegularizedAutoencoder;

/// <summary>Wide enough that its products are shared with the kernels' worker thread, where concurrent callers meet.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Autoencoder("code")]
[Input(784)]
[Dense(128, Activation.Sigmoid, Name = "enc")]
[Dense(16, Name = "code")]
[Dense(128, Activation.Sigmoid, Name = "dec")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class ServingAutoencoder;
