using System.Reflection;

namespace NetGen.Tests.Training;

/// <summary>
/// Every layer attribute the runtime defines is used by at least one network whose backward pass is checked
/// against central differences; the generator's tests hold its shape-rule and diagnostic tests.
/// </summary>
public sealed class LayerKindCoverageTests
{
    [Fact]
    public void Every_layer_kind_is_in_a_gradient_checked_network()
    {
        string[] checkedNetworks = GradientCheckTests.Networks()
            .Concat(PlacementTests.Networks())
            .Concat(ConvolutionNetworkTests.Networks())
            .Concat(TiedAndNoiseTests.Networks())
            .Concat(DecoderNetworkTests.Networks())
            .Concat(RecurrentNetworkTests.Networks())
            .Select(row => (string)row[0])
            .Distinct()
            .ToArray();
        Type[] networkTypes = typeof(LayerKindCoverageTests).Assembly.GetTypes()
            .Where(type => checkedNetworks.Contains(type.Name) && type.IsSubclassOf(typeof(Model)))
            .ToArray();
        Assert.Equal(checkedNetworks.Order(), networkTypes.Select(type => type.Name).Order());

        IEnumerable<Type> layerKinds = typeof(LayerAttribute).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(LayerAttribute)) && !type.IsAbstract);
        Assert.All(layerKinds, kind => Assert.True(
            networkTypes.Any(network => network.GetCustomAttributes(kind, inherit: false).Length > 0),
            $"No gradient-checked network uses [{kind.Name[..^"Attribute".Length]}]."));
    }
}
