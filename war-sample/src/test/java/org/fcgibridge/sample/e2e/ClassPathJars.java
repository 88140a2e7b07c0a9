package org.fcgibridge.sample.e2e;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Jars of the test class path, which Maven resolved from war-sample's test dependencies, chosen by Maven groupId:
 * the WEB-INF/lib of a framework's WAR, the same versions a Maven build of that WAR would pack.
 */
final class ClassPathJars {
    private ClassPathJars() {
    }

    /**
     * The jars whose groupId is exactly one of {@code groupIds} (a local repository keeps a jar at
     * {@code group/as/dirs/artifactId/version/artifactId-version.jar}); fails when a group has none, so that a
     * dependency dropped from the pom shows here rather than as a class missing at deployment.
     */
    static List<Path> ofGroups(String... groupIds) {
        List<Path> all = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            if (jar.getFileName().toString().endsWith(".jar") && jar.getNameCount() > 3) {
                all.add(jar);
            }
        }
        List<Path> chosen = new ArrayList<>();
        for (String groupId : groupIds) {
            Path group = Path.of(groupId.replace('.', '/'));
            int before = chosen.size();
            for (Path jar : all) {
                if (jar.getParent().getParent().getParent().endsWith(group)) {
                    chosen.add(jar);
                }
            }
            if (chosen.size() == before) {
                throw new AssertionError("no jar of group " + groupId + " on the test class path");
            }
        }
        return chosen;
    }

    /** The one jar of {@code groupId:artifactId}. */
    static Path of(String groupId, String artifactId) {
        for (Path jar : ofGroups(groupId)) {
            if (jar.getParent().getParent().getFileName().toString().equals(artifactId)) {
                return jar;
            }
        }
        throw new AssertionError("no " + groupId + ":" + artifactId + " on the test class path");
    }

    /** The version of a jar of the local repository (the name of its directory). */
    static String version(Path jar) {
        return jar.getParent().getFileName().toString();
    }
}
