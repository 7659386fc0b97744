// The netgen command: `netgen import model.onnx --class Name [--namespace N] [--out dir]`.
return NetGen.Tool.NetGenCommand.Run(args);
