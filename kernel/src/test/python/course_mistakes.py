"""A plausible wrong answer for every exercise of the course, written the way students get it wrong.

Each entry changes the teacher's answer (the lines between "// BEGIN SOLUTION" and "// END SOLUTION")
by one mistake — a sign, a missing factor, the wrong axis, off by one, in place instead of a copy — and
names the words the check's ✗ line must say about it. test_grading.WholeCourseTest hands every
notebook in three times (untouched, solved, and with these mistakes) and grades it through nbgrader;
an exercise with a list of mistakes is handed in once more for each further one.
"""

# grade_id -> (the right line(s) of the teacher's answer, the student's wrong version, words of the hint),
# or a list of these for an exercise with several classic mistakes
MISTAKES = {
    "firstTensor": ("mine = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);", "mine = t;", "that is t from above"),
    "rowMeans": ("        means[i] /= x.dim(1);\n", "", "you summed each row"),
    "firstGraph": ("result = mine.multiply(mine.sum(mine.constant(2), mine.constant(3)), mine.constant(4));",
                   "result = mine.sum(mine.constant(2), mine.multiply(mine.constant(3), mine.constant(4)));",
                   "2 + 3 × 4 = 14"),
    "polynomial": ("return cg.sum(cg.sum(square, linear), cg.constant(1));", "return cg.sum(square, linear);",
                   "off by a constant"),
    "sigmoidBackward": ("return dy * yOut * (1 - yOut);", "return yOut * (1 - yOut);", "forgot the incoming gradient"),
    "chainRule": ("double dLdv = 2 * v;", "double dLdv = v;", "forget a factor 2"),
    "broadcastGradient": ("double[] db = new double[dy.dim(1)];\n    for (int i = 0; i < dy.dim(0); i++) {\n"
                          "        for (int j = 0; j < dy.dim(1); j++) {\n            db[j] += dy.get(i, j);",
                          "double[] db = new double[dy.dim(0)];\n    for (int i = 0; i < dy.dim(0); i++) {\n"
                          "        for (int j = 0; j < dy.dim(1); j++) {\n            db[i] += dy.get(i, j);",
                          "(axis 1)"),
    "topologicalOrder": [
        ("    for (Connection input : node.inputs()) visit(input, placed, order);\n    order.add(node);",
         "    order.add(node);\n    for (Connection input : node.inputs()) visit(input, placed, order);", "comes before"),
        ("if (node == null || !placed.add(node)) return;", "if (node == null) return;", "appears more than once"),
    ],
    "backwardSweep": [
        ("grad.merge(node.inputs().get(k), shares[k], Tensor::plus);", "grad.put(node.inputs().get(k), shares[k]);",
         "(no accumulation)"),
        ("    grad.clear();\n", "", "clear it when a pass starts"),
        ("for (int i = order.size() - 1; i >= 0; i--) {", "for (int i = 0; i < order.size(); i++) {",
         "reverse topological order"),
        ("grad.put(loss, Tensor.ones(ctx.value(loss).shape()));", "grad.put(loss, Tensor.full(-1, ctx.value(loss).shape()));",
         "the wrong sign"),
    ],
    "sgdStep": ("value[i] -= learningRate * g[i];", "value[i] += learningRate * g[i];", "the sign is wrong"),
    "hinge": ("if (j != label) loss +=", "loss +=", "1 too high"),
    "sgd": ("next[i] = w[i] - lr * grad[i];", "next[i] = w[i] - grad[i];", "ignores the learning rate"),
    "momentumStep": ("        v[i] = mu * v[i] + g[i];\n        next[i] = w[i] - eta * v[i];",
                     "        double vi = mu * v[i] + g[i];\n        next[i] = w[i] - eta * vi;",
                     "the velocity v stays 0"),
    "hingeLoss": [
        ("            if (j == y[i]) continue;\n", "", "1 too high"),
        ("                ds[i][j] += 1.0 / n;\n                ds[i][y[i]] -= 1.0 / n;",
         "                ds[i][j] += 1;\n                ds[i][y[i]] -= 1;", "the batch size"),
    ],
    "softmaxLoss": [
        ("Connection shifted = cg.subtract(s, cg.reduceMax(s, 1, true));", "Connection shifted = s;",
         "overflows for large scores"),
        ("Connection ds = cg.div(cg.subtract(p, onehot), cg.constant(n));",
         "Connection ds = cg.div(cg.subtract(onehot, p), cg.constant(n));", "the sign of your dL/ds is wrong"),
    ],
    "crossEntropy": ("for (double s : scores) max = Math.max(max, s);", "max = 0;", "overflows for large scores"),
    "gradient": ("    g[label] -= 1;\n", "", "the label's own term"),
    "softplus": ("dx[i] = g[i] / (1 + Math.exp(-x[i]));", "dx[i] = 1 / (1 + Math.exp(-x[i]));",
                 "forgot the incoming gradient dy"),
    "affineBackward": ("            db[k] += dout[i][k];\n", "            db[k] = dout[i][k];\n", "db:"),
    "reluLayerBackward": ("dx[i][j] = x[i][j] > 0 ? dout[i][j] : 0;", "dx[i][j] = x[i][j] > 0 ? 1 : 0;", "local derivative only"),
    "batchNormBackward": ("dx[i][j] = gamma[j] * invStd[j] / n * (n * dout[i][j] - sumDout - xhat[i][j] * sumDoutXhat);",
                          "dx[i][j] = gamma[j] * invStd[j] * dout[i][j];", "as constants"),
    "accuracy": ("return (double) right / n;", "return right;", "the number of right answers"),
    "reluBackward": ("dx[i] = x[i] > 0 ? dy[i] : 0;", "dx[i] = x[i] > 0 ? 1 : 0;", "local derivative only"),
    "earlyStop": ("return new int[] {best + 1, e + 1};", "return new int[] {best, e};", "count from 0"),
    "standardize": ("var += (row[j] - mean) * (row[j] - mean) / n;", "var += (row[j] - mean) * (row[j] - mean) / (n - 1);",
                    "√((n−1)/n)"),
    "scores": ("double[] s = b.clone();", "double[] s = new double[k];", "lacks its bias"),
    "bestCell": ("acc[r][c] > acc[cell[0]][cell[1]]", "acc[r][c] >= acc[cell[0]][cell[1]]", "the first one (row by row) is kept"),
    "distancesLoop": ("d[i][j] = s;", "d[i][j] = Math.sqrt(s);", "no square root"),
    "distances": ("return cg.subtract(cg.sum(aa, bb),", "return cg.sum(cg.sum(aa, bb),", "the wrong sign"),
    "outputSize": ("return (in + 2 * padding - k) / stride + 1;", "return (in + 2 * padding - k) / stride;", "one too few"),
    "im2col": ("cols[u * k + v][i * ow + j]", "cols[v * k + u][i * ow + j]", "columns are positions row by row"),
    "residualBlock": ("return cg.relu(cg.sum(f, x));", "return cg.relu(f);", "the skip is missing"),
    "batchNorm": ("* (x.get(i, j) - mean) / n;", "* (x.get(i, j) - mean) / (n - 1);", "N - 1"),
    "chainFlops": ("return 2L * m * k * n + 2L * m * n * p;", "return 2L * k * n * p + 2L * m * k * p;", "the other order"),
    "stepFlops": ("total += l == 0 ? 2 * one : 3 * one;", "total += 3 * one;", "one of the backward products is not needed"),
    "affineLayer": ("Tensor dW = times(x, true, dy, false);", "Tensor dW = times(dy, true, x, false);", "which product"),
    "weightDecayStep": ("next[i] = w[i] - learningRate * (dw[i] + reg * w[i]);",
                        "next[i] = w[i] - learningRate * dw[i] - reg * w[i];", "without the learning rate"),
    "convForward": ("int r = i * stride - padding + u, q = j * stride - padding + v;",
                    "int r = i * stride + u, q = j * stride + v;", "shifted"),
    "convWeightGradient": ("for (int n = 0; n < N; n++) {", "for (int n = 0; n < 1; n++) {", "first image only"),
    "maxPoolBackward": ("if (x.get(n, c, r, q) > x.get(n, c, br, bq)) {", "if (x.get(n, c, r, q) >= x.get(n, c, br, bq)) {",
                        "the last of them"),
    "heWeights": ("Math.sqrt(2.0 / fanIn)", "Math.sqrt(1.0 / fanIn)", "relu sets about half of them to 0"),
    "fromTable": ("var names = new TreeSet<String>();", "var names = new LinkedHashSet<String>();", "in the order they first appear"),
    "attention": [
        ("cg.constant(1 / Math.sqrt(d))", "cg.constant(1.0)", "your scores are not scaled"),
        ('cg.softmax(scaled, -1, "weights")', 'cg.softmax(scaled, 1, "weights")', "sum to 1 over the queries"),
    ],
}


def mistakes(grade_id):
    """The exercise's mistakes: [(right, wrong, words of the hint)]."""
    m = MISTAKES[grade_id]
    return m if isinstance(m, list) else [m]


def wrong(grade_id, answer, k=0):
    """The teacher's answer with the exercise's k-th mistake in it (marker lines dropped)."""
    right, mistake, _ = mistakes(grade_id)[k]
    if right not in answer:
        raise KeyError(f"{grade_id}: the teacher's answer no longer contains {right!r}: update course_mistakes.py")
    return answer.replace(right, mistake, 1)
