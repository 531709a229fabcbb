// expect: text/html
// expect: text: test accuracy
// expect: text: loaded from
// %% md
// # 9b · Your own data, your own model file
//
// Every notebook so far loaded its data with one call, `Datasets.iris()` or `Datasets.mnist()`, and threw its
// model away at the end. Your own data comes as a file, usually a CSV exported from a spreadsheet, a
// database or a measuring device; and a model worth training is worth keeping. This notebook is the workflow
// for after the course:
//
// 1. read a CSV into a table (with **Tablesaw**, the table library the kernel has loaded) and look at it;
// 2. turn the table into a `Dataset`: a tensor of features, one row per example, and a label per example;
// 3. split it, scale the features with the training rows' statistics only, train a model;
// 4. save the model to a file, load it in a fresh cell (as a new notebook or program would), and predict
//    new examples.
//
// The exercise: a table of any shape into a `Dataset`.

// %% md
// ## 1 · Read the CSV
//
// Our CSV is Fisher's Iris file (the one `Datasets.iris()` reads; `Datasets.irisCsv()` says where it is):
// four measurements in cm and the species, one flower per line. For your own file, write its path instead,
// `Path.of("my-data.csv")`, and its encoding (UTF-8 here: the kernel leaves out Tablesaw's encoding guesser).
// Tablesaw reads the header, guesses each column's type from its values and shows the table as a table:

// %%
import tech.tablesaw.api.*;
import tech.tablesaw.io.Source;
import tech.tablesaw.io.csv.CsvReadOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;

Path csv = Datasets.irisCsv();
Table flowers = Table.read().csv(CsvReadOptions.builder(new Source(csv.toFile(), StandardCharsets.UTF_8)).tableName("iris.csv"));
System.out.println(flowers.shape());
flowers.first(5)

// %% md
// `150 rows X 5 cols`: 150 flowers, five columns named by the header line. `first(5)` shows the first rows
// (the file lists the species in order, 50 setosa first). `structure()` says which type Tablesaw chose for
// each column: a column is a number column only if every value in it reads as a number, so a stray `n/a` or
// `3,5` (a decimal comma) turns a column into text. Look at it before anything else:

// %%
flowers.structure()

// %% md
// Four `DOUBLE` columns, the measurements, and one `STRING` column, the species: the labels.
//
// ## 2 · From a table to a `Dataset`
//
// A `Dataset` holds the features as one tensor `[examples, features]`, the labels as class numbers
// `0 … k−1`, and the class names. The features are the four number columns, copied row by row; the species
// become class numbers, in the order of their names:

// %%
List<String> features = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
int rows = flowers.rowCount();
double[] x = new double[rows * features.size()];
for (int j = 0; j < features.size(); j++) {
    double[] column = flowers.numberColumn(features.get(j)).asDoubleArray();
    for (int i = 0; i < rows; i++) x[i * features.size() + j] = column[i];
}
StringColumn species = flowers.stringColumn("species");
List<String> classes = new ArrayList<>(new TreeSet<>(species.asList()));
int[] labels = new int[rows];
for (int i = 0; i < rows; i++) labels[i] = classes.indexOf(species.get(i));
Dataset data = new Dataset("flowers", Tensor.wrap(x, rows, features.size()), labels, classes);
System.out.println(data + ", classes " + classes + ", counts " + Arrays.toString(data.classCounts()));

// %% md
// ## 3 · Split, scale, train
//
// Hold out test rows first (`split(0.3, seed)` draws 30 % at random, the same ones for the same seed); then
// compute the scaling from the **training rows only**: test rows stand for data the model has never seen,
// and letting their mean and spread into the training leaks a little of them into the model. The `Mlp`
// keeps its scaler and applies it to whatever it is given later, so new measurements go in raw, in cm.

// %%
Split split = data.split(0.3, 1);
Mlp model = Mlp.builder().layers(4, 16, 3).seed(1).build();
model.scaler(Scaler.standardize(split.train()));
History history = model.fit(split.train(), new FitOptions().epochs(Course.pick(100, 20)).batchSize(16)
        .optimizer(new Adam(0.01)).seed(1));
System.out.println(String.format("test accuracy %.4f (%d test flowers)", model.score(split.test()), split.test().size()));

// %% md
// 100 epochs on the 105 training flowers take a few seconds; the model gets 44 of the 45 test flowers right
// (0.9778), as the Iris MLPs of notebooks 5 and 5b did.
//
// ## 4 · Save, load, predict
//
// `save` writes one file: the model's layers, their weights and its scaler. (Here into a temporary folder,
// so that running the notebook leaves nothing behind; in your work, a path such as
// `Path.of("flowers.dtm")` next to the notebook.)

// %%
Path file = Files.createTempDirectory("deeptoy").resolve("flowers.dtm");
model.save(file);
System.out.println(String.format("saved %s: %d bytes", file.getFileName(), Files.size(file)));

// %% md
// A fresh cell, as a new notebook or a Java program would start: nothing but the file. `Classifier.load`
// gives the model back, scaler and class names included. New flowers, measured in cm, in the order of the
// feature columns:

// %%
Classifier loaded = Classifier.load(file);
Tensor newFlowers = Tensor.matrix(
        new double[] {5.0, 3.4, 1.5, 0.2},
        new double[] {6.1, 2.8, 4.7, 1.2},
        new double[] {7.2, 3.0, 6.1, 2.1});
int[] predicted = loaded.predict(newFlowers);
Tensor p = loaded.predictProba(newFlowers);
System.out.println("loaded from " + file.getFileName() + ": " + loaded);
for (int i = 0; i < predicted.length; i++) {
    System.out.println(String.format("flower %d: %s (probability %.3f)", i + 1, loaded.classNames().get(predicted[i]),
            p.get(i, predicted[i])));
}
int[] before = model.predict(split.test()), after = loaded.predict(split.test());
int same = 0;
for (int i = 0; i < before.length; i++) if (before[i] == after[i]) same++;
System.out.println(String.format("the loaded model agrees with the trained one on %d of %d test flowers", same, before.length));

// %% md
// The file holds 1338 bytes: the settings `Mlp 4-16-3 relu`, its 131 parameters and the scaler's means and
// spreads. The loaded model calls the three new flowers setosa, versicolor and virginica (probabilities 1.000,
// 0.997, 1.000) and agrees with the trained model on all 45 test flowers: loading gives back the same model,
// not a similar one. The new measurements went in raw, in cm: the scaler saved with the model rescales them.
//
// **In PyTorch** the same workflow reads the CSV with pandas, makes tensors (a `Dataset` and a
// `DataLoader` give the batches), and saves the weights (`state_dict`; the scaler is yours to keep):
//
// ```python
// import pandas as pd, torch
// flowers = pd.read_csv("iris.csv")
// x = torch.tensor(flowers[["sepal_length", "sepal_width", "petal_length", "petal_width"]].values, dtype=torch.float32)
// classes = sorted(flowers["species"].unique())
// y = torch.tensor(flowers["species"].map(classes.index).values)
// loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True)
// model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
// # ... train on loader (the loop of notebook 3b), then:
// torch.save(model.state_dict(), "flowers.pt")
// model.load_state_dict(torch.load("flowers.pt"))   # into a model built the same way
// ```
//
// ## Exercise
//
// **Any table into a `Dataset`.** Complete `fromTable`: every number column of `table` except the label
// column becomes a feature, in the table's column order; the label column (text or numbers) gives the
// classes, their names sorted (as `TreeSet` sorts them: for numbers, their text) and numbered from 0. The
// check hands you tables of random sizes, with the label column anywhere and sometimes made of numbers.
// `table.columns()` lists the columns, `column.name()` is its name, `column instanceof NumericColumn<?>`
// tells a number column, `((NumericColumn<?>) column).asDoubleArray()` gives its values and
// `table.column(name).getString(i)` the text of row `i` of any column.

// %% exercise points=2
Dataset fromTable(Table table, String labelColumn) {
    int rows = table.rowCount();
    // BEGIN SOLUTION
    List<double[]> columns = new ArrayList<>();
    for (var column : table.columns()) {
        if (!column.name().equals(labelColumn) && column instanceof NumericColumn<?> numbers) columns.add(numbers.asDoubleArray());
    }
    double[] x = new double[rows * columns.size()];
    for (int j = 0; j < columns.size(); j++) {
        for (int i = 0; i < rows; i++) x[i * columns.size() + j] = columns.get(j)[i];
    }
    var label = table.column(labelColumn);
    var names = new TreeSet<String>();
    for (int i = 0; i < rows; i++) names.add(label.getString(i));
    List<String> classes = new ArrayList<>(names);
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) labels[i] = classes.indexOf(label.getString(i));
    return new Dataset(table.name(), Tensor.wrap(x, rows, columns.size()), labels, classes);
    // END SOLUTION
    // STUDENT: return null; // your code here
}

// %%
TableChecks.fromTable((table, labelColumn) -> fromTable(table, labelColumn));
