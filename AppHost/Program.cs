Console.WriteLine("AppHost: filled in by the AppHost issue.");
