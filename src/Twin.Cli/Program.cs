using System.CommandLine;
using Spectre.Console;
using Twin.Cli.Commands;

// Logs and pipes get full-width tables without colour codes instead of an assumed 80-column terminal.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 200;
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;
}

var root = new RootCommand("twin — operando battery twin: lithium content, lattice, strain and the safe window of layered-oxide cathodes")
{
    ReplayCommand.Create(),
    MaterialsCommand.Create(),
    CalibrateCommand.Create(),
    ServeCommand.Create(),
    PublishCommand.Create(),
    DriveCommand.Create(),
    DemoCommand.Create(),
    SimCommand.Create(),
    PasswdCommand.Create(),
    KeygenCommand.Create(),
    OperatorCommand.Create(),
    TokenCommand.Create(),
};
return root.Parse(args).Invoke();
