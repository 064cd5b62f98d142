using Jobs.Sandbox;

var app = SandboxApp.Build(args);
app.Run();
