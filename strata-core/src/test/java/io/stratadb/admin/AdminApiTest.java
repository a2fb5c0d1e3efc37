package io.stratadb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The admin package is public API: its public types, methods, constructors and fields mention only
 * JDK types, {@code io.stratadb} types, the exported file-system interface ({@code io.stratadb.env}) and its own, never the engine's internals.
 */
class AdminApiTest {

  /** Every class of the package, nested ones included, from the compiled classes directory. */
  private static List<Class<?>> adminClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path dir = Path.of(DbAdmin.class.getResource("DbAdmin.class").toURI()).getParent();
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class") && !name.equals("package-info.class")) {
          classes.add(Class.forName("io.stratadb.admin." + name.substring(0, name.length() - 6)));
        }
      }
    }
    return classes;
  }

  /** The package names {@code type} mentions that are neither JDK, {@code io.stratadb}, env nor admin. */
  private static void collectForeign(Type type, List<String> out) {
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String pkg = c.getPackageName();
      if (!c.isPrimitive() && !pkg.startsWith("java.") && !pkg.equals("io.stratadb")
          && !pkg.equals("io.stratadb.admin") && !pkg.equals("io.stratadb.env")) {
        out.add(c.getName());
      }
    } else if (type instanceof ParameterizedType p) {
      collectForeign(p.getRawType(), out);
      for (Type arg : p.getActualTypeArguments()) {
        collectForeign(arg, out);
      }
    } else if (type instanceof GenericArrayType a) {
      collectForeign(a.getGenericComponentType(), out);
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collectForeign(b, out);
      }
    }
  }

  @Test
  void publicSignaturesUseOnlyPublicTypes() throws Exception {
    List<String> foreign = new ArrayList<>();
    int checked = 0;
    for (Class<?> c : adminClasses()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      checked++;
      collectForeign(c.getGenericSuperclass(), foreign);
      for (Type i : c.getGenericInterfaces()) {
        collectForeign(i, foreign);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())) {
          collectForeign(m.getGenericReturnType(), foreign);
          for (Type p : m.getGenericParameterTypes()) {
            collectForeign(p, foreign);
          }
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (Modifier.isPublic(k.getModifiers())) {
          for (Type p : k.getGenericParameterTypes()) {
            collectForeign(p, foreign);
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers())) {
          collectForeign(f.getGenericType(), foreign);
        }
      }
    }
    assertTrue(checked >= 15, "found the package's public types: " + checked);
    assertEquals(List.of(), foreign);
  }

  @Test
  void fileNamesParse() {
    assertEquals(new DbFileName(DbFileName.Kind.TABLE, 12), DbFileName.parse("000012.sst").orElseThrow());
    assertEquals(new DbFileName(DbFileName.Kind.MANIFEST, 3), DbFileName.parse("MANIFEST-000003").orElseThrow());
    assertEquals(new DbFileName(DbFileName.Kind.CURRENT, 0), DbFileName.parse(DbFileName.CURRENT).orElseThrow());
    assertTrue(DbFileName.parse("notes.txt").isEmpty());
  }
}
