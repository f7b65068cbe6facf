package dev.iothub.cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code --version}: "<command> <version>", the Implementation-Version of the jar the command runs from. */
public final class ManifestVersionProvider implements IVersionProvider {
    @Spec
    private CommandSpec spec;

    @Override
    public String[] getVersion() {
        String version = spec.userObject().getClass().getPackage().getImplementationVersion();
        return new String[] {spec.name() + " " + (version == null ? "(not run from its jar: version unknown)" : version)};
    }
}
