package org.fcgibridge.servlet.frameworks;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.support.AbstractAnnotationConfigDispatcherServletInitializer;

/**
 * A Spring MVC 6.2 application as Spring users write one: a WebApplicationInitializer (found by Spring's own
 * SpringServletContainerInitializer), a REST controller, a form, an upload and an exception handler. Nothing in it
 * knows about FastCGI.
 */
public final class SpringApp extends AbstractAnnotationConfigDispatcherServletInitializer {
    @Override
    protected Class<?>[] getRootConfigClasses() {
        return null;
    }

    @Override
    protected Class<?>[] getServletConfigClasses() {
        return new Class<?>[] {WebConfig.class};
    }

    @Override
    protected String[] getServletMappings() {
        return new String[] {"/"};
    }

    @Override
    protected void customizeRegistration(ServletRegistration.Dynamic registration) {
        registration.setMultipartConfig(new MultipartConfigElement(null, 10 << 20, 20 << 20, 64 * 1024));
    }

    /** The MVC configuration. */
    @Configuration
    @EnableWebMvc
    public static class WebConfig {
        @Bean
        public ItemController itemController() {
            return new ItemController();
        }

        @Bean
        public Advice advice() {
            return new Advice();
        }

        @Bean
        public StandardServletMultipartResolver multipartResolver() {
            return new StandardServletMultipartResolver();
        }
    }

    /** An item of the REST API. */
    public record Item(String name, int quantity) {
    }

    /** The application's controller. */
    @RestController
    public static class ItemController {
        private final List<Item> items = new CopyOnWriteArrayList<>();

        @GetMapping("/api/items")
        public List<Item> all() {
            return items;
        }

        @PostMapping("/api/items")
        public ResponseEntity<Item> add(@RequestBody Item item) {
            items.add(item);
            return ResponseEntity.status(HttpStatus.CREATED).body(item);
        }

        @GetMapping("/api/items/{index}")
        public Item one(@PathVariable("index") int index) {
            return items.get(index);
        }

        @PostMapping(value = "/form", consumes = "application/x-www-form-urlencoded")
        public Map<String, Object> form(@RequestParam("name") String name, @RequestParam("age") int age,
                                        HttpSession session) {
            Integer visits = (Integer) session.getAttribute("visits");
            session.setAttribute("visits", visits == null ? 1 : visits + 1);
            return Map.of("greeting", "Hello, " + name, "nextYear", age + 1, "visits", session.getAttribute("visits"));
        }

        @PostMapping("/upload")
        public Map<String, Object> upload(@RequestParam("file") MultipartFile file,
                                          @RequestParam("comment") String comment) throws java.io.IOException {
            byte[] bytes = file.getBytes();
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(bytes);
            return Map.of("name", file.getOriginalFilename(), "size", bytes.length, "crc", crc.getValue(),
                    "comment", comment);
        }

        @GetMapping("/boom")
        public String boom() {
            throw new IllegalStateException("no such thing");
        }
    }

    /** Turns exceptions into JSON. */
    @RestControllerAdvice
    public static class Advice {
        @ExceptionHandler(IllegalStateException.class)
        public ResponseEntity<Map<String, String>> handle(IllegalStateException e) {
            return ResponseEntity.status(HttpStatus.I_AM_A_TEAPOT).body(Map.of("error", e.getMessage()));
        }

        @ExceptionHandler(IndexOutOfBoundsException.class)
        public ResponseEntity<Map<String, String>> missing(IndexOutOfBoundsException e) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no such item"));
        }
    }
}
