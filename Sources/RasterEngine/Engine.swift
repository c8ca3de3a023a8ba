import GDALKit
