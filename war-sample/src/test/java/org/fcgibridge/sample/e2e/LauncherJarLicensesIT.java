package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher jar bundles third-party jars: it carries fcgi-bridge's own license as its META-INF/LICENSE (not
 * whichever bundled jar's came first), the bundled jars' notices, and a THIRD-PARTY.txt that names every bundled
 * artifact, whose license texts are in the jar. A dependency added without its entry fails here.
 */
class LauncherJarLicensesIT {
    private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");
    private static final Pattern NAMED_FILE = Pattern.compile(
            "(META-INF/licenses/\\S+|META-INF/(?:LICENSE|NOTICE)\\b|LICENSE-ClassGraph\\.txt|about\\.html)");

    private static JarFile jar;
    private static String thirdParty;

    @BeforeAll
    static void open() throws IOException {
        jar = new JarFile(RunningBridge.launcherJar().toFile());
        thirdParty = text("META-INF/THIRD-PARTY.txt");
    }

    @AfterAll
    static void close() throws IOException {
        jar.close();
    }

    @Test
    void itsLicenseIsTheProjectsApacheLicense() throws IOException {
        Path projectLicense = RunningBridge.launcherJar().toAbsolutePath().getParent().getParent().getParent()
                .resolve("LICENSE");
        try (InputStream in = jar.getInputStream(jar.getJarEntry("META-INF/LICENSE"))) {
            assertArrayEquals(Files.readAllBytes(projectLicense), in.readAllBytes());
        }
        assertTrue(Files.readString(projectLicense).contains("Apache License\n                           Version 2.0"));
    }

    @Test
    void itsNoticeHoldsTheProjectsAndTheBundledNotices() throws IOException {
        String notice = text("META-INF/NOTICE");
        assertTrue(notice.contains("fcgi-bridge\nCopyright"), notice);
        assertTrue(notice.contains("Apache Tomcat"), "Jasper's notice (Apache-2.0 section 4d): " + notice);
        assertTrue(notice.contains("Jakarta Server Pages"), notice);
    }

    @Test
    void everyBundledArtifactIsNamedInThirdPartyTxt() {
        Set<String> bundled = jar.stream().map(entry -> POM_PROPERTIES.matcher(entry.getName()))
                .filter(Matcher::matches)
                .map(m -> m.group(1) + ":" + m.group(2))
                .filter(artifact -> !artifact.startsWith("org.fcgibridge:"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(bundled.contains("org.eclipse.jetty:jetty-server"), bundled.toString());
        Set<String> named = thirdParty.lines().map(String::strip).map(line -> line.split("\\s+")[0])
                .collect(Collectors.toSet());
        List<String> missing = bundled.stream().filter(artifact -> !named.contains(artifact)).toList();
        assertEquals(List.of(), missing, "bundled, not in META-INF/THIRD-PARTY.txt");
    }

    @Test
    void everyLicenseFileThirdPartyTxtNamesIsInTheJar() {
        Matcher files = NAMED_FILE.matcher(thirdParty);
        Set<String> named = new TreeSet<>();
        while (files.find()) {
            named.add(files.group(1));
        }
        assertTrue(named.contains("META-INF/licenses/EPL-2.0_OR_GPL-2.0-with-Classpath-exception.md"),
                named.toString());
        for (String file : named) {
            assertNotNull(jar.getJarEntry(file), file + " is named in META-INF/THIRD-PARTY.txt but not in the jar");
        }
        assertFalse(jar.stream().anyMatch(entry -> entry.getName().matches("META-INF/LICENSE\\.(txt|md)")),
                "a bundled jar's license file under a name that says it is the jar's");
    }

    private static String text(String entry) throws IOException {
        assertNotNull(jar.getJarEntry(entry), entry);
        try (InputStream in = jar.getInputStream(jar.getJarEntry(entry))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
