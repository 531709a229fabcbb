package org.deeptoy.kernel.jshell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.maven.model.interpolation.ModelInterpolator;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * {@code %maven group:artifact:version}: resolves an artifact and its runtime dependencies from
 * Maven Central with Maven's own resolver, cached in the local repository (~/.m2/repository, or
 * -Dmaven.repo.local). Only this class touches the resolver, so its classes load on first use.
 */
final class MavenResolve {
    private static RepositorySystem system;

    private MavenResolve() {
    }

    /** The jars of {@code coordinates} and everything they need at run time. */
    static synchronized List<Path> resolve(String coordinates) throws CellException {
        DefaultArtifact artifact;
        try {
            artifact = new DefaultArtifact(coordinates);
        } catch (IllegalArgumentException e) {
            throw new CellException("MavenError", "%maven " + coordinates + ": not an artifact; write "
                    + "group:artifact:version, e.g. %maven org.apache.commons:commons-lang3:3.17.0", List.of(
                    "%maven " + coordinates + ": not an artifact; write group:artifact:version, "
                            + "e.g. %maven org.apache.commons:commons-lang3:3.17.0"));
        }
        if (system == null) {
            system = new RepositorySystemSupplier().get();
        }
        Path local = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(local)
                .setSystemProperties(System.getProperties())
                .build()) {
            CollectRequest collect = new CollectRequest();
            collect.setRoot(new Dependency(artifact, JavaScopes.RUNTIME));
            collect.addRepository(new RemoteRepository.Builder("central", "default", centralUrl()).build());
            DependencyRequest request = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                jars.add(r.getArtifact().getPath());
            }
            return jars;
        } catch (DependencyResolutionException | RuntimeException e) {
            String why = rootMessage(e);
            String message = "%maven " + coordinates + ": could not resolve " + artifact + " from Maven Central ("
                    + why + ")";
            throw new CellException("MavenError", message, List.of(message,
                    "Check the group, artifact and version (search.maven.org lists them) and the network."));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        return t == e || t.getMessage() == null ? m : m + "; " + t.getMessage();
    }

    /** Maven Central as Maven itself names it (overridable like Maven: -Dmaven.repo.central=URL). */
    private static String centralUrl() {
        return System.getProperty(ModelInterpolator.MAVEN_REPO_CENTRAL_KEY,
                ModelInterpolator.DEFAULT_MAVEN_REPO_CENTRAL_URL);
    }
}
