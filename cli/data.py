"""``parknews data``: validate the labeled corpus, count it, regenerate script variants and the IDF table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parknews.model.annotate import write_jsonl
from parknews.model.atomic import atomic_write
from parknews.model.errors import ParknewsError
from parknews.model.labels import LABELS

from . import render
from .common import DataOption, err, fail, needs, out

app = typer.Typer(help="Validate and count the labeled corpus.", no_args_is_help=True)


@app.command()
def stats(data: DataOption = None) -> None:
    """Validate every labeled file and print counts per label, per source and per script.

    Example: [bold]parknews data stats --data training/data[/]
    """
    from rich.table import Table

    from parknews.training.dataset import load_dataset
    from parknews.training.gold import summaries_beside
    from parknews.training.stats import corpus_stats

    try:
        dataset = load_dataset(data)
        st = corpus_stats(dataset, summaries_beside(data))
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    sources = sorted(st.articles)
    table = Table(title=f"{len(dataset.files)} file(s) valid", title_justify="left")
    table.add_column("label")
    for source in sources:
        table.add_column(source, justify="right")
    table.add_column("all but generated", justify="right")
    for label in LABELS:
        table.add_row(
            render.label_text(label),
            *(str(st.labels_by_source[s][label]) for s in sources),
            str(st.labels[label]),
        )
    table.add_row("paragraphs", *(str(st.paragraphs[s]) for s in sources), str(sum(st.labels.values())))
    table.add_row(
        "articles",
        *(str(st.articles[s]) for s in sources),
        str(sum(n for s, n in st.articles.items() if s != "generated")),
    )
    out.print(table)
    out.print("articles by script: " + ", ".join(f"{k} {v}" for k, v in sorted(st.scripts.items())))
    out.print(f"gold summaries: {st.summaries} articles")
    if st.missing_summaries:
        missing = ", ".join(st.missing_summaries[:8])
        err.print(f"no gold summary for {len(st.missing_summaries)} article(s): {missing}")
    if st.bad_summaries:
        raise fail(f"gold sentences that are not in their article: {'; '.join(st.bad_summaries[:5])}")


@app.command()
def variants(
    data: DataOption = None,
    every: Annotated[int, typer.Option(min=1, help="Make variants of every N-th simplified article.")] = 3,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write them.",
            show_default="training/data/variants/generated.jsonl",
        ),
    ] = None,
) -> None:
    """Regenerate traditional and pinyin-glossed variants of authored articles (reproducible).

    Example: [bold]parknews data variants --every 3[/]
    """
    from parknews.training.dataset import DEFAULT_DATA_DIR, load_dataset
    from parknews.training.variants import make_variants

    with needs("parknews data variants"):
        import pypinyin  # noqa: F401  (imported where used; checked here, before any work)

    if out_file is None:
        if not DEFAULT_DATA_DIR.is_dir():
            raise fail(
                "no training/data/ here (an installed parknews has no corpus): give --out FILE", code=2
            )
        out_file = DEFAULT_DATA_DIR / "variants" / "generated.jsonl"

    try:
        dataset = load_dataset(data).filter(sources=["authored"])
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    variants = list(make_variants(dataset.articles, every=every))
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(out_file) as handle:
            write_jsonl(handle, variants)
    except FileExistsError:  # mkdir met a file where the path needs a folder
        raise fail(f"cannot write {out_file}: a file stands where its folder should be") from None
    except OSError as exc:
        raise fail(f"cannot write {out_file}: {exc.strerror or exc}") from None
    err.print(f"{len(variants)} variant paragraphs written to {out_file}")


@app.command(name="agreement")
def agreement_cmd(data: DataOption = None) -> None:
    """Cohen's kappa between the corpus labels and the blind second annotator's sample.

    Example: [bold]parknews data agreement[/]
    """
    from parknews.training.dataset import load_dataset
    from parknews.training.stats import agreement

    try:
        result = agreement(load_dataset(data))
    except (ParknewsError, OSError) as exc:
        raise fail(str(exc)) from None
    out.print(
        f"{result.n} paragraphs labeled twice: observed agreement {result.observed:.3f}, "
        f"Cohen's kappa {result.kappa:.3f}, {len(result.disagreements)} disagreement(s)"
    )
    for doc, index, first, second, text in result.disagreements:
        out.print(f"  {doc}:{index} corpus={first} second={second} | {text[:60]}")


@app.command()
def idf(
    data: DataOption = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write the table.",
            show_default="model/resources/idf.json",
        ),
    ] = None,
) -> None:
    """Rebuild the IDF table the keywords and the summary graph read, from the corpus.

    One document per article group (an article and its script variants count once);
    words seen in one group only are left out and get the table's default. Writing over
    the shipped table changes keywords and summary scores: re-measure them after.

    Example: [bold]parknews data idf --out /tmp/idf.json[/]
    """
    from parknews.model import keywords
    from parknews.training.dataset import load_dataset
    from parknews.training.idf import write_idf

    try:
        dataset = load_dataset(data)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    # The table the package reads: model/resources/ in a checkout (an editable install).
    target = out_file if out_file is not None else Path(keywords.__file__).parent / "resources" / "idf.json"
    try:
        write_idf(dataset, target)
    except OSError as exc:
        raise fail(f"cannot write {target}: {exc.strerror or exc}") from None
    err.print(f"IDF of {len(dataset.articles)} articles written to {target}")
