"""Package layout: the repository folders plugins/ and models/ install under
namespaced import names so the distribution never claims `plugins` or `models`."""

from setuptools import find_packages, setup

PACKAGE_DIRS = {
    "assistant": "assistant",
    "assistant_plugins": "plugins",
    "assistant_models": "models",
}


def packages() -> list[str]:
    found = []
    for name, folder in PACKAGE_DIRS.items():
        found.append(name)
        found += [f"{name}.{sub}" for sub in find_packages(folder)]
    return found


setup(
    packages=packages(),
    package_dir=PACKAGE_DIRS,
    package_data={
        "assistant": ["defaults.yaml", "defaults.json", "web/static/*"],
        "assistant_plugins": ["**/*.yaml", "**/*.txt", "**/*.tsv", "**/*.json", "**/*.md"],
        "assistant_models": ["**/*"],
    },
    include_package_data=False,
)
